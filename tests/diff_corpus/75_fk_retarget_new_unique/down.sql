BEGIN;
ALTER TABLE "public"."city" DROP CONSTRAINT "city_country_fkey";
ALTER TABLE "public"."country" DROP CONSTRAINT "country_code_key";
ALTER TABLE "public"."city" ADD CONSTRAINT "city_country_fkey" FOREIGN KEY (country) REFERENCES public.country(id);
COMMIT;

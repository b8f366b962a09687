BEGIN;
ALTER TABLE "public"."city" DROP CONSTRAINT "city_country_fkey";
ALTER TABLE "public"."country" ADD CONSTRAINT "country_code_key" UNIQUE (code);
ALTER TABLE "public"."city" ADD CONSTRAINT "city_country_fkey" FOREIGN KEY (country_code) REFERENCES public.country(code) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."city" VALIDATE CONSTRAINT "city_country_fkey";

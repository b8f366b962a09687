BEGIN;
DROP STATISTICS public.addresses_city_zip;
CREATE TABLE "public"."visits" (
  "id" integer NOT NULL,
  "day" date,
  "region" text,
  CONSTRAINT "visits_pkey" PRIMARY KEY (id)
);
CREATE STATISTICS public.visits_day_region ON day, region FROM public.visits;
ALTER STATISTICS public.visits_day_region SET STATISTICS 200;
CREATE STATISTICS public.addresses_city_zip (ndistinct, dependencies) ON city, zip FROM public.addresses;
ALTER STATISTICS public.addresses_zip_country SET STATISTICS -1;
COMMENT ON STATISTICS public.addresses_zip_country IS 'zip implies country';
CREATE STATISTICS public.addresses_city_country (mcv) ON city, country FROM public.addresses;
COMMIT;

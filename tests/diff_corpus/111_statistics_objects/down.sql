BEGIN;
DROP STATISTICS public.addresses_city_country;
ALTER STATISTICS public.addresses_zip_country SET STATISTICS 500;
COMMENT ON STATISTICS public.addresses_zip_country IS NULL;
DROP STATISTICS public.addresses_city_zip;
DROP TABLE "public"."visits";
CREATE STATISTICS public.addresses_city_zip (ndistinct) ON city, zip FROM public.addresses;
COMMIT;

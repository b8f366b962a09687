BEGIN;
DROP MATERIALIZED VIEW "public"."region_list";
DROP MATERIALIZED VIEW "public"."daily_sales";
COMMIT;

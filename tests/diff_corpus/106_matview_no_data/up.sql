BEGIN;
CREATE MATERIALIZED VIEW "public"."sales_max" AS
 SELECT max(sales.amount) AS top
   FROM public.sales
WITH NO DATA;
REFRESH MATERIALIZED VIEW "public"."sales_count";
REFRESH MATERIALIZED VIEW "public"."sales_total" WITH NO DATA;
COMMIT;

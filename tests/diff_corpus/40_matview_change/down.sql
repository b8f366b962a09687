BEGIN;
DROP VIEW "public"."region_sales_top";
DROP MATERIALIZED VIEW "public"."region_sales";
DROP MATERIALIZED VIEW "public"."monthly";
CREATE MATERIALIZED VIEW "public"."region_sales" AS
 SELECT sale.region,
    sum(sale.amount) AS total
   FROM public.sale
  GROUP BY sale.region
WITH DATA;
CREATE UNIQUE INDEX region_sales_region_key ON public.region_sales USING btree (region);
CREATE MATERIALIZED VIEW "public"."monthly" AS
 SELECT date_trunc('month'::text, sale.sold_on::timestamp with time zone) AS month,
    sum(sale.amount) AS total
   FROM public.sale
  GROUP BY (date_trunc('month'::text, sale.sold_on::timestamp with time zone))
WITH DATA;
CREATE VIEW "public"."region_sales_top" AS
 SELECT region_sales.region
   FROM public.region_sales
  ORDER BY region_sales.total DESC
 LIMIT 3;
COMMIT;

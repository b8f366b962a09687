BEGIN;
DROP VIEW "public"."region_sales_top";
DROP MATERIALIZED VIEW "public"."monthly";
DROP MATERIALIZED VIEW "public"."region_sales";
CREATE MATERIALIZED VIEW "public"."monthly" WITH (fillfactor=100) AS
 SELECT date_trunc('month'::text, sale.sold_on::timestamp with time zone) AS month,
    sum(sale.amount) AS total
   FROM public.sale
  GROUP BY (date_trunc('month'::text, sale.sold_on::timestamp with time zone))
WITH DATA;
CREATE INDEX monthly_month_idx ON public.monthly USING btree (month);
CREATE MATERIALIZED VIEW "public"."region_sales" AS
 SELECT sale.region,
    sum(sale.amount) AS total,
    count(*) AS n
   FROM public.sale
  WHERE sale.amount > 0::numeric
  GROUP BY sale.region
WITH DATA;
CREATE UNIQUE INDEX region_sales_region_key ON public.region_sales USING btree (region);
CREATE VIEW "public"."region_sales_top" AS
 SELECT region_sales.region
   FROM public.region_sales
  ORDER BY region_sales.total DESC
 LIMIT 3;
COMMIT;

BEGIN;
CREATE MATERIALIZED VIEW "public"."daily_sales" WITH (autovacuum_enabled=false) AS
 SELECT sale.region,
    sale.sold_on,
    sum(sale.amount) AS total,
    count(*) AS n
   FROM public.sale
  GROUP BY sale.region, sale.sold_on
WITH DATA;
CREATE UNIQUE INDEX daily_sales_key ON public.daily_sales USING btree (region, sold_on);
CREATE INDEX daily_sales_total_idx ON public.daily_sales USING btree (total DESC);
COMMENT ON MATERIALIZED VIEW "public"."daily_sales" IS 'refreshed nightly';
CREATE MATERIALIZED VIEW "public"."region_list" AS
 SELECT DISTINCT sale.region
   FROM public.sale
WITH NO DATA;
COMMIT;

BEGIN;
DROP VIEW "public"."old_report";
CREATE VIEW "public"."customer_totals" AS
 SELECT orders.customer,
    sum(orders.amount) AS total,
    count(*) AS n
   FROM public.orders
  GROUP BY orders.customer;
CREATE VIEW "public"."open_orders" AS
 SELECT orders.id,
    orders.customer,
    orders.amount
   FROM public.orders
  WHERE orders.status = 'open'::text;
COMMIT;

BEGIN;
DROP VIEW "public"."open_orders";
DROP VIEW "public"."customer_totals";
CREATE VIEW "public"."old_report" AS
 SELECT orders.customer,
    orders.amount
   FROM public.orders
  WHERE orders.status = 'legacy'::text;
COMMIT;

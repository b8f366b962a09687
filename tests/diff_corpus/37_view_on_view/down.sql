BEGIN;
DROP VIEW "public"."v_top";
DROP VIEW "public"."v_report";
DROP VIEW "public"."v_mid";
DROP VIEW "public"."v_base";
CREATE VIEW "public"."v_base" AS
 SELECT customer.id,
    customer.name
   FROM public.customer;
CREATE VIEW "public"."v_mid" AS
 SELECT v_base.id,
    v_base.name
   FROM public.v_base
  WHERE v_base.name <> ''::text;
CREATE VIEW "public"."v_top" AS
 SELECT count(*) AS n
   FROM public.v_mid;
COMMIT;

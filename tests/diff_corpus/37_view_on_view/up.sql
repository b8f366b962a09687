BEGIN;
DROP VIEW "public"."v_top";
DROP VIEW "public"."v_mid";
DROP VIEW "public"."v_base";
CREATE VIEW "public"."v_base" AS
 SELECT customer.id,
    customer.name,
    customer.email
   FROM public.customer;
CREATE VIEW "public"."v_mid" AS
 SELECT v_base.id,
    v_base.name,
    v_base.email
   FROM public.v_base
  WHERE v_base.name <> ''::text AND v_base.email IS NOT NULL;
CREATE VIEW "public"."v_report" AS
 SELECT m.email,
    c.city
   FROM public.v_mid m
     JOIN public.customer c ON c.id = m.id;
CREATE VIEW "public"."v_top" AS
 SELECT count(*) AS n
   FROM public.v_mid;
COMMIT;

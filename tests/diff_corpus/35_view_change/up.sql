BEGIN;
DROP VIEW "public"."v_append";
DROP VIEW "public"."v_filter";
DROP VIEW "public"."v_retype";
DROP VIEW "public"."v_shrink";
CREATE VIEW "public"."v_append" AS
 SELECT employee.id,
    employee.name,
    employee.email
   FROM public.employee;
CREATE VIEW "public"."v_filter" AS
 SELECT employee.id,
    employee.name
   FROM public.employee
  WHERE employee.active AND employee.email IS NOT NULL;
CREATE VIEW "public"."v_retype" AS
 SELECT employee.id,
    employee.salary::integer AS salary
   FROM public.employee;
CREATE VIEW "public"."v_shrink" AS
 SELECT employee.id,
    employee.name
   FROM public.employee;
COMMIT;

BEGIN;
DROP VIEW "public"."v_shrink";
DROP VIEW "public"."v_retype";
DROP VIEW "public"."v_filter";
DROP VIEW "public"."v_append";
CREATE VIEW "public"."v_shrink" AS
 SELECT employee.id,
    employee.name,
    employee.salary
   FROM public.employee;
CREATE VIEW "public"."v_retype" AS
 SELECT employee.id,
    employee.salary
   FROM public.employee;
CREATE VIEW "public"."v_filter" AS
 SELECT employee.id,
    employee.name
   FROM public.employee
  WHERE employee.active;
CREATE VIEW "public"."v_append" AS
 SELECT employee.id,
    employee.name
   FROM public.employee;
COMMIT;

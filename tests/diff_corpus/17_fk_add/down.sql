BEGIN;
ALTER TABLE "public"."employee" DROP CONSTRAINT "employee_manager_fk";
ALTER TABLE "public"."employee" DROP CONSTRAINT "employee_dept_name_fk";
ALTER TABLE "public"."employee" DROP CONSTRAINT "employee_department_id_fkey";
COMMIT;

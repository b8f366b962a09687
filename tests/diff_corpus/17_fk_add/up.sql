BEGIN;
ALTER TABLE "public"."employee" ADD CONSTRAINT "employee_department_id_fkey" FOREIGN KEY (department_id) REFERENCES public.department(id) NOT VALID;
ALTER TABLE "public"."employee" ADD CONSTRAINT "employee_dept_name_fk" FOREIGN KEY (dept_name) REFERENCES public.department(name) ON UPDATE CASCADE NOT VALID;
ALTER TABLE "public"."employee" ADD CONSTRAINT "employee_manager_fk" FOREIGN KEY (manager_id) REFERENCES public.employee(id) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."employee" VALIDATE CONSTRAINT "employee_department_id_fkey";
ALTER TABLE "public"."employee" VALIDATE CONSTRAINT "employee_dept_name_fk";
ALTER TABLE "public"."employee" VALIDATE CONSTRAINT "employee_manager_fk";

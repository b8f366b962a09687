BEGIN;
SET LOCAL check_function_bodies = off;
CREATE SCHEMA "legacy";
COMMENT ON SCHEMA "legacy" IS 'Old import tables, to be removed';
CREATE TYPE "legacy"."import_state" AS ENUM ('pending', 'done');
CREATE FUNCTION "legacy"."row_count"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT count(*) FROM legacy.import_row $body$;
CREATE SEQUENCE "legacy"."batch_seq" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
CREATE TABLE "legacy"."import_row" (
  "id" integer DEFAULT nextval('legacy.batch_seq'::regclass) NOT NULL,
  "customer_id" integer,
  "payload" text,
  CONSTRAINT "import_row_pkey" PRIMARY KEY (id)
);
ALTER TABLE "legacy"."import_row" ADD CONSTRAINT "import_row_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES public.customer(id);
CREATE VIEW "legacy"."import_summary" AS
 SELECT import_row.customer_id,
    count(*) AS n
   FROM legacy.import_row
  GROUP BY import_row.customer_id;
COMMIT;

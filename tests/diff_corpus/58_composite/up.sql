BEGIN;
SET LOCAL check_function_bodies = off;
ALTER TYPE "public"."address" ADD ATTRIBUTE "zip" character varying(10);
CREATE TYPE "public"."money_amount" AS ("amount" numeric(12,2), "currency" character(3) COLLATE pg_catalog."C");
CREATE FUNCTION "public"."zero_eur"() RETURNS public.money_amount
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT ROW(0, 'EUR')::money_amount $body$;
ALTER TABLE "public"."customer" ADD COLUMN "balance" public.money_amount;
COMMENT ON TYPE "public"."address" IS 'Postal address';
COMMIT;

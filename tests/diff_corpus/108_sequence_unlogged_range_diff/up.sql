BEGIN;
SET LOCAL check_function_bodies = off;
CREATE TYPE "public"."floatrange" AS RANGE (SUBTYPE = double precision, SUBTYPE_DIFF = float8mi);
ALTER SEQUENCE "public"."scratch_seq" SET LOGGED;
ALTER SEQUENCE "public"."ticket_seq" SET UNLOGGED;
CREATE UNLOGGED SEQUENCE "public"."temp_seq" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 10 CACHE 1 NO CYCLE;
CREATE FUNCTION "public"."time_diff"(a time without time zone, b time without time zone) RETURNS double precision
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT EXTRACT(EPOCH FROM (a - b)) $body$;
CREATE TYPE "public"."timerange" AS RANGE (SUBTYPE = time without time zone, SUBTYPE_DIFF = public.time_diff);
COMMIT;

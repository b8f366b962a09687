BEGIN;
SET LOCAL check_function_bodies = off;
ALTER DOMAIN "public"."d" DROP CONSTRAINT "d_check";
ALTER TABLE "public"."q" SET LOGGED;
ALTER TABLE "public"."child_d" SET LOGGED;
ALTER TABLE "public"."c" SET UNLOGGED;
ALTER TABLE "public"."p" SET UNLOGGED;
DROP FUNCTION "public"."lim"();
CREATE FUNCTION "public"."lim"() RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$select 100$body$;
ALTER DOMAIN "public"."d" ADD CONSTRAINT "d_check" CHECK ((VALUE < public.lim()));
COMMIT;

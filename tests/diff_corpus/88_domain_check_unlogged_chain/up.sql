BEGIN;
SET LOCAL check_function_bodies = off;
ALTER DOMAIN "public"."d" DROP CONSTRAINT "d_check";
DROP FUNCTION "public"."lim"();
CREATE FUNCTION "public"."lim"() RETURNS bigint
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$select 100::bigint$body$;
ALTER TABLE "public"."p" SET LOGGED;
ALTER TABLE "public"."c" SET LOGGED;
ALTER TABLE "public"."child_d" SET UNLOGGED;
ALTER TABLE "public"."q" SET UNLOGGED;
ALTER DOMAIN "public"."d" ADD CONSTRAINT "d_check" CHECK ((VALUE < public.lim()));
COMMIT;

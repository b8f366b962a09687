-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."t2_expr";
DROP INDEX CONCURRENTLY "public"."t_expr";
BEGIN;
SET LOCAL check_function_bodies = off;
ALTER TABLE "public"."t" DROP CONSTRAINT "t_w_check";
ALTER TABLE "public"."t" ALTER COLUMN "v" DROP DEFAULT;
DROP FUNCTION "public"."okv"(x integer);
CREATE FUNCTION "public"."okv"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT 1 $body$;
DROP FUNCTION "public"."ident"(x integer);
CREATE FUNCTION "public"."ident"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT x $body$;
DROP FUNCTION "public"."def_v"();
CREATE FUNCTION "public"."def_v"() RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT 1 $body$;
CREATE INDEX t2_expr ON public.t2 USING btree (public.ident(v));
COMMENT ON INDEX "public"."t2_expr" IS 'by ident';
CREATE INDEX t_expr ON public.t USING btree (public.okv(v));
ALTER TABLE "public"."t" ADD CONSTRAINT "t_w_check" CHECK ((public.okv(w) = 1));
ALTER TABLE "public"."t" ALTER COLUMN "v" SET DEFAULT public.def_v();
COMMIT;

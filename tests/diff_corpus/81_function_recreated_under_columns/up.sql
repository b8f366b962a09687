BEGIN;
SET LOCAL check_function_bodies = off;
ALTER TABLE "public"."t" ALTER COLUMN "v" DROP DEFAULT;
ALTER TABLE "public"."t" DROP CONSTRAINT "t_w_check";
DROP INDEX "public"."t_expr";
DROP INDEX "public"."t2_expr";
DROP FUNCTION "public"."def_v"();
CREATE FUNCTION "public"."def_v"() RETURNS bigint
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT 1::bigint $body$;
DROP FUNCTION "public"."ident"(x integer);
CREATE FUNCTION "public"."ident"(x integer) RETURNS bigint
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT x::bigint $body$;
DROP FUNCTION "public"."okv"(x integer);
CREATE FUNCTION "public"."okv"(x integer) RETURNS boolean
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT true $body$;
ALTER TABLE "public"."t" ALTER COLUMN "v" SET DEFAULT public.def_v();
ALTER TABLE "public"."t" ADD CONSTRAINT "t_w_check" CHECK (public.okv(w)) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_w_check";
CREATE INDEX CONCURRENTLY t_expr ON public.t USING btree (public.okv(v));
CREATE INDEX CONCURRENTLY t2_expr ON public.t2 USING btree (public.ident(v));
COMMENT ON INDEX "public"."t2_expr" IS 'by ident';

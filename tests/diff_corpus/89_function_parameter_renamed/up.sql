BEGIN;
SET LOCAL check_function_bodies = off;
DROP POLICY "p" ON "public"."t";
DROP FUNCTION "public"."uses"(z integer);
DROP VIEW "public"."v";
DROP VIEW "public"."v2";
DROP VIEW "public"."v3";
DROP VIEW "public"."v4";
ALTER TABLE "public"."t" DROP CONSTRAINT "t_a_check";
ALTER TABLE "public"."t2" ALTER COLUMN "c" DROP DEFAULT;
ALTER DOMAIN "public"."posint" DROP CONSTRAINT "posint_check";
ALTER TABLE "public"."t4" DROP CONSTRAINT "t4_named";
DROP INDEX "public"."t_pos";
DROP FUNCTION "public"."def1"(x integer);
DROP FUNCTION "public"."io"(x integer, OUT r integer, OUT s text);
DROP FUNCTION "public"."io2"(x integer, OUT r integer);
DROP FUNCTION "public"."ov"(x integer);
DROP FUNCTION "public"."pos"(x integer);
CREATE FUNCTION "public"."def1"(y integer DEFAULT 5) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT $1 $body$;
CREATE FUNCTION "public"."io"(y integer, OUT r integer, OUT s text) RETURNS record
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT $1, $1::text $body$;
CREATE FUNCTION "public"."io2"(x integer, OUT q integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT $1 $body$;
CREATE FUNCTION "public"."ov"(y integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT $1 $body$;
CREATE FUNCTION "public"."pos"(y integer) RETURNS boolean
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT $1 > 0 $body$;
ALTER TABLE "public"."t2" ALTER COLUMN "c" SET DEFAULT public.def1();
ALTER TABLE "public"."t" ADD CONSTRAINT "t_a_check" CHECK (public.pos(a)) NOT VALID;
ALTER DOMAIN "public"."posint" ADD CONSTRAINT "posint_check" CHECK (public.pos(VALUE));
ALTER TABLE "public"."t4" ADD CONSTRAINT "t4_named" CHECK (public.pos(y => a)) NOT VALID;
CREATE VIEW "public"."v" AS
 SELECT t.a,
    public.pos(t.a) AS p
   FROM public.t;
CREATE VIEW "public"."v2" AS
 SELECT (public.io(1)).r AS r;
CREATE VIEW "public"."v3" AS
 SELECT public.ov(1) AS i,
    public.ov('a'::text) AS s;
CREATE VIEW "public"."v4" AS
 SELECT public.io2(2) AS k;
CREATE FUNCTION "public"."uses"(z integer) RETURNS boolean
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
RETURN public.pos(z);
CREATE POLICY "p" ON "public"."t" FOR ALL TO PUBLIC USING (public.pos(a));
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_a_check";
ALTER TABLE "public"."t4" VALIDATE CONSTRAINT "t4_named";
CREATE INDEX CONCURRENTLY t_pos ON public.t USING btree (public.pos(b));

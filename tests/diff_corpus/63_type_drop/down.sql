BEGIN;
SET LOCAL check_function_bodies = off;
CREATE TYPE "public"."shade" AS ENUM ('light', 'dark');
CREATE TYPE "public"."intrange2" AS RANGE (SUBTYPE = integer);
CREATE DOMAIN "public"."short_text" AS character varying(20);
CREATE TYPE "public"."pair" AS ("a" integer, "b" integer);
CREATE FUNCTION "public"."make_pair"(x integer) RETURNS public.pair
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT ROW(x, x)::pair $body$;
ALTER TABLE "public"."palette" ADD COLUMN "shade" public.shade;
ALTER TABLE "public"."palette" ADD COLUMN "span" public.intrange2;
ALTER TABLE "public"."palette" ALTER COLUMN "name" TYPE public.short_text USING "name"::public.short_text;
COMMIT;

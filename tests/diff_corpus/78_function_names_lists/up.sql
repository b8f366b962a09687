BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."f(x"(a text);
CREATE OR REPLACE FUNCTION "public"."f"(a integer) RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a + 1 $body$;
DROP FUNCTION "public"."f(x"(a integer);
CREATE FUNCTION "public"."f(x"(a integer) RETURNS bigint
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a::bigint $body$;
CREATE OR REPLACE FUNCTION "public"."g"() RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
 SET search_path TO 'a, b', 'public'
AS $body$ SELECT 1 $body$;
CREATE FUNCTION "public"."My Func"(a integer DEFAULT 1) RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a $body$;
COMMIT;

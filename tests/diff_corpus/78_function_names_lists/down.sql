BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."My Func"(a integer);
CREATE OR REPLACE FUNCTION "public"."g"() RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT 1 $body$;
DROP FUNCTION "public"."f(x"(a integer);
CREATE FUNCTION "public"."f(x"(a integer) RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a $body$;
CREATE OR REPLACE FUNCTION "public"."f"(a integer) RETURNS integer
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a $body$;
CREATE FUNCTION "public"."f(x"(a text) RETURNS text
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT a $body$;
COMMIT;

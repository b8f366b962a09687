BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."f_new"(x integer);
CREATE OR REPLACE FUNCTION "public"."f_series"(n integer) RETURNS SETOF integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT generate_series(1, n) $body$;
CREATE OR REPLACE FUNCTION "public"."f_dear"(x integer) RETURNS integer
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE COST 5000
AS $body$ BEGIN RETURN x; END $body$;
CREATE OR REPLACE FUNCTION "public"."f_cheap"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT x + 1 $body$;
COMMIT;

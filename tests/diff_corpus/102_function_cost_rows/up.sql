BEGIN;
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION "public"."f_cheap"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE COST 1
AS $body$ SELECT x + 1 $body$;
CREATE OR REPLACE FUNCTION "public"."f_dear"(x integer) RETURNS integer
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE
AS $body$ BEGIN RETURN x; END $body$;
CREATE OR REPLACE FUNCTION "public"."f_series"(n integer) RETURNS SETOF integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE ROWS 50
AS $body$ SELECT generate_series(1, n) $body$;
CREATE FUNCTION "public"."f_new"(x integer) RETURNS SETOF integer
 LANGUAGE "sql" STABLE PARALLEL UNSAFE COST 0.5 ROWS 3
AS $body$ SELECT x $body$;
COMMIT;

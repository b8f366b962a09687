BEGIN;
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION "public"."f_config"() RETURNS integer
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE
 SET search_path TO 'util', 'public'
 SET work_mem TO '64MB'
AS $body$ BEGIN RETURN 1; END $body$;
CREATE OR REPLACE FUNCTION "public"."f_cost"(x integer) RETURNS SETOF integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE COST 10 ROWS 50
AS $body$ SELECT generate_series(1, x) $body$;
CREATE OR REPLACE FUNCTION "public"."f_leak"(a integer, b integer) RETURNS boolean
 LANGUAGE "sql" IMMUTABLE LEAKPROOF PARALLEL UNSAFE
AS $body$ SELECT a < b $body$;
CREATE OR REPLACE FUNCTION "public"."f_parallel"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL SAFE
AS $body$ SELECT x * x $body$;
CREATE OR REPLACE FUNCTION "public"."f_secdef"() RETURNS text
 LANGUAGE "sql" STABLE PARALLEL UNSAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $body$ SELECT current_user::text $body$;
CREATE OR REPLACE FUNCTION "public"."f_strict"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT coalesce(x, 0) * 2 $body$;
CREATE OR REPLACE FUNCTION "public"."f_volatility"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT x + 1 $body$;
COMMIT;

BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."fmt"(v date, style text);
DROP FUNCTION "public"."fmt"(v anyelement);
DROP FUNCTION "public"."area"(radius numeric);
DROP FUNCTION "public"."area"(VARIADIC sides integer[]);
CREATE OR REPLACE FUNCTION "public"."area"(w integer, h integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT w * h $body$;
CREATE FUNCTION "public"."area"(radius double precision) RETURNS double precision
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT pi() * radius * radius $body$;
COMMIT;

BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."area"(radius double precision);
CREATE OR REPLACE FUNCTION "public"."area"(w integer, h integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT abs(w * h) $body$;
CREATE FUNCTION "public"."area"(VARIADIC sides integer[]) RETURNS bigint
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT count(*) FROM unnest(sides) $body$;
CREATE FUNCTION "public"."area"(radius numeric) RETURNS numeric
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT 3.14159 * radius * radius $body$;
CREATE FUNCTION "public"."fmt"(v anyelement) RETURNS text
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT '<' || v::text || '>' $body$;
CREATE FUNCTION "public"."fmt"(v date, style text DEFAULT 'YYYY-MM-DD'::text) RETURNS text
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT to_char(v, style) $body$;
COMMIT;

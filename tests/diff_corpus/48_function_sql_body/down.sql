BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."counter_total"();
DROP FUNCTION "public"."bump"(p_name text);
CREATE OR REPLACE FUNCTION "public"."double_it"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
RETURN (x * 2);
COMMIT;

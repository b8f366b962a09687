BEGIN;
SET LOCAL check_function_bodies = off;
CREATE FUNCTION "public"."obsolete"() RETURNS void
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT $body$;
COMMENT ON FUNCTION "public"."price_of"(p_sku text) IS NULL;
DROP FUNCTION "public"."greet"(who text, punct text);
DROP FUNCTION "public"."cents_to_eur"(c integer);
DROP FUNCTION "public"."all_prices"(OUT sku text, OUT eur numeric);
CREATE OR REPLACE FUNCTION "public"."price_of"(p_sku text) RETURNS integer
 LANGUAGE "plpgsql" STABLE PARALLEL UNSAFE
AS $body$
BEGIN
    RETURN (SELECT cents FROM price WHERE sku = p_sku);
END
$body$;
CREATE OR REPLACE FUNCTION "public"."add_tax"(amount numeric) RETURNS numeric
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT amount * 1.10 $body$;
COMMIT;

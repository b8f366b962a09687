BEGIN;
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION "public"."add_tax"(amount numeric) RETURNS numeric
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT round(amount * 1.15, 2) $body$;
CREATE OR REPLACE FUNCTION "public"."price_of"(p_sku text) RETURNS integer
 LANGUAGE "plpgsql" STABLE PARALLEL UNSAFE
AS $body$
DECLARE
    v integer;
BEGIN
    SELECT cents INTO v FROM price WHERE sku = p_sku;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown sku %', p_sku;
    END IF;
    RETURN v;
END
$body$;
CREATE FUNCTION "public"."all_prices"(OUT sku text, OUT eur numeric) RETURNS SETOF record
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT sku, cents_to_eur(cents) FROM price $body$;
CREATE FUNCTION "public"."cents_to_eur"(c integer) RETURNS numeric
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT c / 100.0 $body$;
CREATE FUNCTION "public"."greet"(who text DEFAULT 'world'::text, punct text DEFAULT '!'::text) RETURNS text
 LANGUAGE "plpgsql" IMMUTABLE PARALLEL UNSAFE
AS $body$ BEGIN RETURN 'hello ' || who || punct; END $body$;
COMMENT ON FUNCTION "public"."price_of"(p_sku text) IS 'Price in cents, raises on unknown SKU';
DROP FUNCTION "public"."obsolete"();
COMMIT;

CREATE TABLE price (
    sku   text PRIMARY KEY,
    cents integer NOT NULL
);
-- body changed (sql)
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(amount * 1.15, 2) $$;
-- body changed (plpgsql), comment added
CREATE FUNCTION price_of(p_sku text) RETURNS integer
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v integer;
BEGIN
    SELECT cents INTO v FROM price WHERE sku = p_sku;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown sku %', p_sku;
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION price_of(text) IS 'Price in cents, raises on unknown SKU';
-- obsolete() dropped; new functions
CREATE FUNCTION cents_to_eur(c integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT c / 100.0 $$;
CREATE FUNCTION all_prices(OUT sku text, OUT eur numeric) RETURNS SETOF record
    LANGUAGE sql STABLE
    AS $$ SELECT sku, cents_to_eur(cents) FROM price $$;
CREATE FUNCTION greet(who text DEFAULT 'world', punct text DEFAULT '!') RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$ BEGIN RETURN 'hello ' || who || punct; END $$;

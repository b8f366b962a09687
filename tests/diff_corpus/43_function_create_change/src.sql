CREATE TABLE price (
    sku   text PRIMARY KEY,
    cents integer NOT NULL
);
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT amount * 1.10 $$;
CREATE FUNCTION price_of(p_sku text) RETURNS integer
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT cents FROM price WHERE sku = p_sku);
END
$$;
CREATE FUNCTION obsolete() RETURNS void LANGUAGE sql AS $$ SELECT $$;

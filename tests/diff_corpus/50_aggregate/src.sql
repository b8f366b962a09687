CREATE FUNCTION int_product_step(state bigint, v integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT state * v $$;
CREATE AGGREGATE product(integer) (
    SFUNC = int_product_step,
    STYPE = bigint,
    INITCOND = '1'
);

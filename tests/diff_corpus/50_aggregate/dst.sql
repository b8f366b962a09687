CREATE FUNCTION int_product_step(state bigint, v integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT state * v $$;
CREATE AGGREGATE product(integer) (
    SFUNC = int_product_step,
    STYPE = bigint,
    INITCOND = '1'
);
COMMENT ON AGGREGATE product(integer) IS 'Product of all non-null inputs';

-- new aggregate with a state-transition function, final function and INITCOND
CREATE FUNCTION text_concat_step(state text[], v text) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL THEN state ELSE state || v END $$;
CREATE FUNCTION text_concat_final(state text[]) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT array_to_string(state, ',') $$;
CREATE AGGREGATE csv_agg(text) (
    SFUNC = text_concat_step,
    STYPE = text[],
    FINALFUNC = text_concat_final,
    INITCOND = '{}',
    PARALLEL = SAFE
);
-- ordered-set style argument list: two-argument aggregate
CREATE FUNCTION weighted_sum_step(state numeric, v numeric, w numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT state + v * w $$;
CREATE AGGREGATE weighted_sum(numeric, numeric) (
    SFUNC = weighted_sum_step,
    STYPE = numeric,
    INITCOND = '0'
);

CREATE TABLE item (
    id    integer PRIMARY KEY,
    name  text NOT NULL,
    price integer NOT NULL
);
CREATE FUNCTION item_count() RETURNS integer
    LANGUAGE sql STABLE AS $$ SELECT count(*)::integer FROM item $$;
CREATE FUNCTION item_stats(OUT n integer, OUT total integer)
    LANGUAGE sql STABLE AS $$ SELECT count(*)::integer, coalesce(sum(price), 0)::integer FROM item $$;
CREATE FUNCTION cheap_items(max_price integer) RETURNS TABLE (id integer, name text)
    LANGUAGE sql STABLE AS $$ SELECT id, name FROM item WHERE price <= max_price $$;

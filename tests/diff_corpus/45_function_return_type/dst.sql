-- Return types change: CREATE OR REPLACE cannot do this, DROP FUNCTION + CREATE FUNCTION.
CREATE TABLE item (
    id    integer PRIMARY KEY,
    name  text NOT NULL,
    price integer NOT NULL
);
CREATE FUNCTION item_count() RETURNS bigint
    LANGUAGE sql STABLE AS $$ SELECT count(*) FROM item $$;
CREATE FUNCTION item_stats(OUT n bigint, OUT total bigint, OUT avg_price numeric)
    LANGUAGE sql STABLE AS $$ SELECT count(*), coalesce(sum(price), 0), avg(price) FROM item $$;
CREATE FUNCTION cheap_items(max_price integer) RETURNS TABLE (id integer, name text, price integer)
    LANGUAGE sql STABLE AS $$ SELECT id, name, price FROM item WHERE price <= max_price $$;

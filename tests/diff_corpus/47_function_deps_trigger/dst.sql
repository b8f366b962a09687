-- New functions used by a column DEFAULT, a CHECK constraint and a trigger, all in one change:
-- functions must be created before the default / constraint / trigger (and dropped after them).
CREATE FUNCTION new_code() RETURNS text
    LANGUAGE sql VOLATILE
    AS $$ SELECT 'c' || substr(md5(random()::text), 1, 8) $$;
CREATE FUNCTION is_valid_sku(s text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT s ~ '^[A-Z]{2}-[0-9]+$' $$;
CREATE FUNCTION touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TABLE product (
    id         integer PRIMARY KEY,
    sku        text NOT NULL,
    code       text DEFAULT new_code(),
    updated_at timestamptz,
    CONSTRAINT product_sku_valid CHECK (is_valid_sku(sku))
);
CREATE TRIGGER product_touch BEFORE INSERT OR UPDATE ON product
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

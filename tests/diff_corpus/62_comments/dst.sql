CREATE EXTENSION hstore;
CREATE SCHEMA app;
CREATE TYPE app.color AS ENUM ('red', 'green');
CREATE DOMAIN app.qty AS integer CHECK (VALUE >= 0);
CREATE SEQUENCE app.ticket_seq;
CREATE TABLE app.item (
    id    integer PRIMARY KEY,
    name  text NOT NULL,
    color app.color,
    qty   app.qty,
    CONSTRAINT item_name_len CHECK (length(name) < 100)
);
CREATE INDEX item_name_idx ON app.item (name);
CREATE VIEW app.item_names AS SELECT id, name FROM app.item;
CREATE MATERIALIZED VIEW app.item_count AS SELECT count(*) AS n FROM app.item;
CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER item_noop BEFORE INSERT ON app.item FOR EACH ROW EXECUTE FUNCTION app.noop();
ALTER TABLE app.item ENABLE ROW LEVEL SECURITY;
CREATE POLICY item_all ON app.item USING (true);

COMMENT ON SCHEMA app IS 'Application schema';
COMMENT ON EXTENSION hstore IS 'key/value pairs (we use it for item attributes)';
COMMENT ON TABLE app.item IS 'Stock items; "quoted" and it''s apostrophed';
COMMENT ON COLUMN app.item.name IS 'Display name';
COMMENT ON COLUMN app.item.color IS 'Optional colour';
COMMENT ON CONSTRAINT item_name_len ON app.item IS 'UI limit';
COMMENT ON CONSTRAINT item_pkey ON app.item IS 'surrogate key';
COMMENT ON INDEX app.item_pkey IS 'pk index';
COMMENT ON VIEW app.item_names IS 'id and name only';
COMMENT ON COLUMN app.item_names.name IS 'view column comment';
COMMENT ON MATERIALIZED VIEW app.item_count IS 'item total';
COMMENT ON FUNCTION app.noop() IS 'does nothing';
COMMENT ON TRIGGER item_noop ON app.item IS 'placeholder trigger';
COMMENT ON POLICY item_all ON app.item IS 'everyone sees everything';
COMMENT ON TYPE app.color IS 'colour palette';
COMMENT ON DOMAIN app.qty IS 'non-negative quantity';
COMMENT ON CONSTRAINT qty_check ON DOMAIN app.qty IS 'domain check comment';
COMMENT ON SEQUENCE app.ticket_seq IS NULL;

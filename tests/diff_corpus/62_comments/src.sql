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

COMMENT ON TABLE app.item IS 'old table comment';
COMMENT ON COLUMN app.item.name IS 'old column comment';
COMMENT ON INDEX app.item_name_idx IS 'to be removed';
COMMENT ON SEQUENCE app.ticket_seq IS 'to be removed';

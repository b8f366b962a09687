-- Same schema as src.sql, objects created in a different order.
CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('a', 'b', 'c');
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE SEQUENCE app.ext_seq INCREMENT BY 5 CACHE 10;
CREATE DOMAIN app.pos AS integer NOT NULL DEFAULT 1 CONSTRAINT pos_check CHECK (VALUE > 0);
CREATE TABLE app.parent (
    id     integer GENERATED ALWAYS AS IDENTITY (START WITH 10) PRIMARY KEY,
    name   text COLLATE "C" NOT NULL,
    status app.status NOT NULL DEFAULT 'a',
    n      app.pos,
    ext    bigint DEFAULT nextval('app.ext_seq'),
    name_l text GENERATED ALWAYS AS (lower(name)) STORED
) WITH (fillfactor = 80);
COMMENT ON TABLE app.parent IS 'parent table';
CREATE TABLE app.child (
    id        integer PRIMARY KEY,
    parent_id integer,
    note      text
);
CREATE EXTENSION pg_trgm;
CREATE INDEX child_parent_idx ON app.child (parent_id) INCLUDE (note) WHERE parent_id IS NOT NULL;
CREATE POLICY child_p ON app.child FOR SELECT USING (note IS NOT NULL);
CREATE VIEW app.v AS SELECT p.id, p.name, c.note FROM app.parent p JOIN app.child c ON c.parent_id = p.id;
ALTER TABLE app.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES app.parent (id) ON DELETE CASCADE DEFERRABLE;
ALTER TABLE app.child ADD CONSTRAINT child_note_check CHECK (note <> '') NOT VALID;
CREATE TRIGGER child_touch BEFORE UPDATE ON app.child FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE INDEX child_note_trgm ON app.child USING gin (note gin_trgm_ops);
ALTER TABLE app.child ENABLE ROW LEVEL SECURITY;
COMMENT ON SCHEMA app IS 'app';

-- Built "organically": dropped columns leave holes in attnum, enum labels added later
-- (non-integer sortorder), serial shorthand, throwaway objects shift OIDs.
CREATE TABLE throwaway (id integer);
DROP TABLE throwaway;
CREATE TYPE color AS ENUM ('red', 'blue');
ALTER TYPE color ADD VALUE 'green' BEFORE 'blue';
ALTER TYPE color ADD VALUE 'black';
CREATE TABLE thing (
    id      serial PRIMARY KEY,
    tmp1    integer,
    name    character varying(40) NOT NULL,
    tmp2    text
);
ALTER TABLE thing DROP COLUMN tmp1;
ALTER TABLE thing ADD COLUMN color color DEFAULT 'red';
ALTER TABLE thing DROP COLUMN tmp2;
ALTER TABLE thing ADD COLUMN tags text[];
ALTER TABLE thing ADD COLUMN old integer;
ALTER TABLE thing DROP COLUMN old;
ALTER TABLE thing ADD CONSTRAINT thing_name_check CHECK (name <> '');
CREATE INDEX thing_name_idx ON thing (name);
CREATE VIEW thing_names AS SELECT id, name FROM thing WHERE color <> 'black';
INSERT INTO thing (name) VALUES ('a'), ('b');

-- Same schema written directly: no holes, contiguous attnums, explicit sequence instead of
-- serial, different formatting of the (deparsed) view, different OIDs.
CREATE TYPE color AS ENUM ('red', 'green', 'blue', 'black');
CREATE SEQUENCE thing_id_seq AS integer;
CREATE TABLE thing (
    id    integer NOT NULL DEFAULT nextval('thing_id_seq'::regclass),
    name  varchar(40) NOT NULL,
    color color DEFAULT 'red'::color,
    tags  text[],
    CONSTRAINT thing_pkey PRIMARY KEY (id),
    CONSTRAINT thing_name_check CHECK ((name)::text <> ''::text)
);
ALTER SEQUENCE thing_id_seq OWNED BY thing.id;
CREATE INDEX thing_name_idx ON thing USING btree (name);
CREATE VIEW thing_names AS
    SELECT thing.id,
           thing.name
      FROM thing
     WHERE thing.color <> 'black'::color;

CREATE EXTENSION hstore VERSION '1.7';
CREATE EXTENSION pg_trgm VERSION '1.5';
CREATE TABLE doc (
    id    integer PRIMARY KEY,
    attrs hstore,
    title text
);
CREATE INDEX doc_title_trgm ON doc USING gin (title gin_trgm_ops);
INSERT INTO doc VALUES (1, 'a=>1', 'hello');

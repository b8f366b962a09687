-- ALTER EXTENSION ... UPDATE TO '1.8' / '1.6'
CREATE EXTENSION hstore VERSION '1.8';
CREATE EXTENSION pg_trgm VERSION '1.6';
CREATE TABLE doc (
    id    integer PRIMARY KEY,
    attrs hstore,
    title text
);
CREATE INDEX doc_title_trgm ON doc USING gin (title gin_trgm_ops);

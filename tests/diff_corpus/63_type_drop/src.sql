CREATE TYPE shade AS ENUM ('light', 'dark');
CREATE DOMAIN short_text AS varchar(20);
CREATE TYPE pair AS (a integer, b integer);
CREATE TYPE intrange2 AS RANGE (subtype = integer);
CREATE TABLE palette (
    id    integer PRIMARY KEY,
    name  short_text,
    shade shade,
    span  intrange2
);
CREATE FUNCTION make_pair(x integer) RETURNS pair LANGUAGE sql IMMUTABLE AS $$ SELECT ROW(x, x)::pair $$;
INSERT INTO palette VALUES (1, 'warm', 'dark', '[1,5)');

CREATE TYPE person AS (id integer, name text);
CREATE TABLE staff (id integer, name text);
CREATE TABLE guests OF person;

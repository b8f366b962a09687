CREATE TYPE person AS (id integer, name text);
CREATE TABLE staff OF person (PRIMARY KEY (id));
CREATE TABLE guests (id integer, name text);
CREATE TABLE visitors OF person;

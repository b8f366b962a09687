CREATE COLLATION german (provider = icu, locale = 'de-DE');
CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE german);

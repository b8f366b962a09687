CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION german (provider = icu, locale = 'de-DE');
CREATE COLLATION plain_c (provider = libc, locale = 'C');
CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE german);

CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE COLLATION german (provider = icu, locale = 'de-DE');
COMMENT ON COLLATION german IS 'phone book order';
CREATE COLLATION "posix.c" (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE german, code text COLLATE "posix.c");

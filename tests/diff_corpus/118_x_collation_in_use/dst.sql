-- The collation's locale differs while a column uses it: keel must refuse
-- (a collation cannot be altered, and dropping it needs the column gone).
CREATE COLLATION german (provider = icu, locale = 'de-AT');
CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE german);

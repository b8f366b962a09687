-- A foreign key keeps its name but now references a UNIQUE constraint added
-- in the same change: the key is built in the transaction, before the FK.
CREATE TABLE country (id integer PRIMARY KEY, code text NOT NULL);
CREATE TABLE city (id integer PRIMARY KEY, country integer, country_code text,
    CONSTRAINT city_country_fkey FOREIGN KEY (country) REFERENCES country (id));
INSERT INTO country VALUES (1, 'NZ'), (2, 'DE');
INSERT INTO city VALUES (1, 1, 'NZ');

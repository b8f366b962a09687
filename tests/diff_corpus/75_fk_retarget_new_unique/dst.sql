CREATE TABLE country (id integer PRIMARY KEY, code text NOT NULL, CONSTRAINT country_code_key UNIQUE (code));
CREATE TABLE city (id integer PRIMARY KEY, country integer, country_code text,
    CONSTRAINT city_country_fkey FOREIGN KEY (country_code) REFERENCES country (code));

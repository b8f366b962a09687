-- Keys that foreign keys reference change: a PRIMARY KEY renamed, a UNIQUE
-- becoming NULLS NOT DISTINCT, a plain unique index gaining INCLUDE. The
-- foreign keys depend on the old index: they are dropped first and added
-- again (NOT VALID, then VALIDATE) after the new key, built in the
-- transaction.
CREATE TABLE account (id integer CONSTRAINT account_pkey PRIMARY KEY);
CREATE TABLE invoice (account integer REFERENCES account);
CREATE TABLE product (id integer, code text CONSTRAINT product_code_key UNIQUE);
CREATE TABLE line (code text REFERENCES product (code));
CREATE TABLE region (id integer NOT NULL, name text);
CREATE UNIQUE INDEX region_id ON region (id);
CREATE TABLE store (region integer REFERENCES region (id));
INSERT INTO account VALUES (1);
INSERT INTO invoice VALUES (1);
INSERT INTO product VALUES (1, 'p1');
INSERT INTO line VALUES ('p1');
INSERT INTO region VALUES (1, 'north');
INSERT INTO store VALUES (1);

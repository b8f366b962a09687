CREATE TABLE account (id integer CONSTRAINT account_pk PRIMARY KEY);
CREATE TABLE invoice (account integer REFERENCES account);
CREATE TABLE product (id integer, code text CONSTRAINT product_code_key UNIQUE NULLS NOT DISTINCT);
CREATE TABLE line (code text REFERENCES product (code));
CREATE TABLE region (id integer NOT NULL, name text);
CREATE UNIQUE INDEX region_id ON region (id) INCLUDE (name);
CREATE TABLE store (region integer REFERENCES region (id));

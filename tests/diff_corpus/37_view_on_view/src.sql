CREATE TABLE customer (
    id    integer PRIMARY KEY,
    name  text NOT NULL,
    email text,
    city  text
);
CREATE VIEW v_base AS SELECT id, name FROM customer;
CREATE VIEW v_mid AS SELECT id, name FROM v_base WHERE name <> '';
CREATE VIEW v_top AS SELECT count(*) AS n FROM v_mid;

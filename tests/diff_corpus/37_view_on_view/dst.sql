-- v_base gains a column (appended); v_mid now uses it; new v_report on v_mid and customer.
-- In the reverse direction v_base loses "email" which v_mid/v_report use: dependents must
-- be dropped first and recreated afterwards.
CREATE TABLE customer (
    id    integer PRIMARY KEY,
    name  text NOT NULL,
    email text,
    city  text
);
CREATE VIEW v_base AS SELECT id, name, email FROM customer;
CREATE VIEW v_mid AS SELECT id, name, email FROM v_base WHERE name <> '' AND email IS NOT NULL;
CREATE VIEW v_top AS SELECT count(*) AS n FROM v_mid;
CREATE VIEW v_report AS
    SELECT m.email, c.city FROM v_mid m JOIN customer c ON c.id = m.id;

CREATE TABLE sales (id integer PRIMARY KEY, amount numeric NOT NULL);
INSERT INTO sales VALUES (1, 10), (2, 20);
CREATE MATERIALIZED VIEW sales_total AS SELECT sum(amount) AS total FROM sales WITH NO DATA;
CREATE MATERIALIZED VIEW sales_count AS SELECT count(*) AS n FROM sales;
CREATE MATERIALIZED VIEW sales_max AS SELECT max(amount) AS top FROM sales WITH NO DATA;

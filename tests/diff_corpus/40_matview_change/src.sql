CREATE TABLE sale (
    id      integer PRIMARY KEY,
    region  text NOT NULL,
    sold_on date NOT NULL,
    amount  numeric(12,2) NOT NULL
);
CREATE MATERIALIZED VIEW region_sales AS
    SELECT region, sum(amount) AS total FROM sale GROUP BY region;
CREATE UNIQUE INDEX region_sales_region_key ON region_sales (region);
CREATE MATERIALIZED VIEW monthly AS
    SELECT date_trunc('month', sold_on) AS month, sum(amount) AS total FROM sale GROUP BY 1;
CREATE VIEW region_sales_top AS SELECT region FROM region_sales ORDER BY total DESC LIMIT 3;
INSERT INTO sale VALUES (1, 'eu', '2024-01-01', 10);
REFRESH MATERIALIZED VIEW region_sales;

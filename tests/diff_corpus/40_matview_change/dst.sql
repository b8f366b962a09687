CREATE TABLE sale (
    id      integer PRIMARY KEY,
    region  text NOT NULL,
    sold_on date NOT NULL,
    amount  numeric(12,2) NOT NULL
);
-- definition changed: DROP + CREATE, its index and the dependent view are recreated
CREATE MATERIALIZED VIEW region_sales AS
    SELECT region, sum(amount) AS total, count(*) AS n FROM sale WHERE amount > 0 GROUP BY region;
CREATE UNIQUE INDEX region_sales_region_key ON region_sales (region);
CREATE VIEW region_sales_top AS SELECT region FROM region_sales ORDER BY total DESC LIMIT 3;
-- unchanged definition, new index and storage option
CREATE MATERIALIZED VIEW monthly AS
    SELECT date_trunc('month', sold_on) AS month, sum(amount) AS total FROM sale GROUP BY 1;
CREATE INDEX monthly_month_idx ON monthly (month);
ALTER MATERIALIZED VIEW monthly SET (fillfactor = 100);

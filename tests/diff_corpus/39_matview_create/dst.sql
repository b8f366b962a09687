CREATE TABLE sale (
    id      integer PRIMARY KEY,
    region  text NOT NULL,
    sold_on date NOT NULL,
    amount  numeric(12,2) NOT NULL
);
INSERT INTO sale VALUES (1, 'eu', '2024-01-01', 10), (2, 'us', '2024-01-02', 20);

CREATE MATERIALIZED VIEW daily_sales WITH (autovacuum_enabled = false) AS
    SELECT region, sold_on, sum(amount) AS total, count(*) AS n
    FROM sale GROUP BY region, sold_on;
CREATE UNIQUE INDEX daily_sales_key ON daily_sales (region, sold_on);
CREATE INDEX daily_sales_total_idx ON daily_sales (total DESC);
COMMENT ON MATERIALIZED VIEW daily_sales IS 'refreshed nightly';

CREATE MATERIALIZED VIEW region_list AS SELECT DISTINCT region FROM sale WITH NO DATA;

CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL, placed_at timestamptz NOT NULL);
CREATE VIEW open_orders AS SELECT id, status, placed_at FROM orders WHERE status = 'open';
COMMENT ON COLUMN open_orders.placed_at IS 'when the order was placed';
ALTER VIEW open_orders ALTER COLUMN status SET DEFAULT 'open';
CREATE MATERIALIZED VIEW order_days AS SELECT date_trunc('day', placed_at) AS day, count(*) AS n FROM orders GROUP BY 1;

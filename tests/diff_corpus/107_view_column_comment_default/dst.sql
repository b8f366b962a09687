CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL, placed_at timestamptz NOT NULL);
CREATE VIEW open_orders AS SELECT id, status, placed_at FROM orders WHERE status = 'open';
COMMENT ON COLUMN open_orders.id IS 'the order''s key';
ALTER VIEW open_orders ALTER COLUMN placed_at SET DEFAULT now();
CREATE MATERIALIZED VIEW order_days AS SELECT date_trunc('day', placed_at) AS day, count(*) AS n FROM orders GROUP BY 1;
COMMENT ON COLUMN order_days.n IS 'orders that day';
CREATE VIEW recent AS SELECT id, status FROM orders;
COMMENT ON COLUMN recent.status IS 'status';
ALTER VIEW recent ALTER COLUMN status SET DEFAULT 'new';

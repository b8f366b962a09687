CREATE TABLE orders (
    id       integer PRIMARY KEY,
    customer text NOT NULL,
    amount   numeric(10,2) NOT NULL,
    status   text NOT NULL
);
-- old_report dropped, two views created
CREATE VIEW open_orders AS
    SELECT id, customer, amount FROM orders WHERE status = 'open';
CREATE VIEW customer_totals (customer, total, n) AS
    SELECT customer, sum(amount), count(*) FROM orders GROUP BY customer;

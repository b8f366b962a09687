CREATE TABLE orders (
    id       integer PRIMARY KEY,
    customer text NOT NULL,
    amount   numeric(10,2) NOT NULL,
    status   text NOT NULL
);
CREATE VIEW old_report AS
    SELECT customer, amount FROM orders WHERE status = 'legacy';

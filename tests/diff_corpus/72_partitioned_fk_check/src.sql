-- A FOREIGN KEY and a CHECK added to an existing partitioned table (no NOT
-- VALID there: PostgreSQL 15 refuses it on partitioned tables), and a new
-- partition of a partitioned table that a foreign key references.
CREATE TABLE customer (
    id integer PRIMARY KEY
);
CREATE TABLE orders (
    id          integer NOT NULL,
    customer_id integer NOT NULL,
    placed      date NOT NULL,
    total       numeric NOT NULL
) PARTITION BY RANGE (placed);
CREATE TABLE orders_2023 PARTITION OF orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE region (
    code text NOT NULL,
    name text,
    PRIMARY KEY (code)
) PARTITION BY LIST (code);
CREATE TABLE region_eu PARTITION OF region FOR VALUES IN ('eu');
CREATE TABLE store (
    id     integer PRIMARY KEY,
    region text REFERENCES region (code)
);
INSERT INTO customer VALUES (1), (2);
INSERT INTO orders VALUES (1, 1, '2023-05-01', 10), (2, 2, '2023-06-01', 20);
INSERT INTO region VALUES ('eu', 'Europe');
INSERT INTO store VALUES (1, 'eu');

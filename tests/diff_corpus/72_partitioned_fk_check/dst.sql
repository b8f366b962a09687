CREATE TABLE customer (
    id integer PRIMARY KEY
);
CREATE TABLE orders (
    id          integer NOT NULL,
    customer_id integer NOT NULL REFERENCES customer (id),
    placed      date NOT NULL,
    total       numeric NOT NULL CHECK (total >= 0)
) PARTITION BY RANGE (placed);
CREATE TABLE orders_2023 PARTITION OF orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE region (
    code text NOT NULL,
    name text,
    PRIMARY KEY (code)
) PARTITION BY LIST (code);
CREATE TABLE region_eu PARTITION OF region FOR VALUES IN ('eu');
CREATE TABLE region_us PARTITION OF region FOR VALUES IN ('us');
CREATE TABLE store (
    id     integer PRIMARY KEY,
    region text REFERENCES region (code)
);

-- Both foreign keys dropped (columns kept).
CREATE TABLE customer (
    id integer PRIMARY KEY
);
CREATE TABLE invoice (
    id          integer PRIMARY KEY,
    customer_id integer,
    parent_id   integer
);

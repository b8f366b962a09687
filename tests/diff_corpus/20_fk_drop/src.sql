CREATE TABLE customer (
    id integer PRIMARY KEY
);
CREATE TABLE invoice (
    id          integer PRIMARY KEY,
    customer_id integer REFERENCES customer (id),
    parent_id   integer REFERENCES invoice (id) DEFERRABLE
);
INSERT INTO customer VALUES (1);
INSERT INTO invoice VALUES (1, 1, NULL), (2, 1, 1);

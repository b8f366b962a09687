CREATE TYPE address AS (
    street text,
    city   text
);
CREATE TABLE customer (
    id   integer PRIMARY KEY,
    home address
);
INSERT INTO customer VALUES (1, ROW('Main St 1', 'Springfield'));

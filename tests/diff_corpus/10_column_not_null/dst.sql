CREATE TABLE customer (
    id      integer PRIMARY KEY,
    email   text NOT NULL,   -- SET NOT NULL on a populated table (all rows have a value)
    phone   text,            -- DROP NOT NULL
    country char(2)
);

CREATE TABLE customer (
    id      integer PRIMARY KEY,
    email   text,
    phone   text NOT NULL,
    country char(2)
);
INSERT INTO customer VALUES
    (1, 'a@example.com', '555-0100', 'NZ'),
    (2, 'b@example.com', '555-0101', NULL),
    (3, 'c@example.com', '555-0102', 'DE');

-- Functions whose signature or SQL-standard body names a table created in
-- the same change come after the table.
CREATE TABLE product (
    id    integer PRIMARY KEY,
    price numeric NOT NULL
);

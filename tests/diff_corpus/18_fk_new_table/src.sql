CREATE TABLE product (
    id          integer PRIMARY KEY,
    name        text NOT NULL,
    category_id integer
);
INSERT INTO product VALUES (1, 'kettle', NULL), (2, 'toaster', NULL);

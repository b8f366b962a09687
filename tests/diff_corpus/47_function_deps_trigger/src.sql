CREATE TABLE product (
    id         integer PRIMARY KEY,
    sku        text NOT NULL,
    code       text,
    updated_at timestamptz
);
INSERT INTO product VALUES (1, 'AB-1', 'x1', NULL), (2, 'CD-22', 'x2', NULL);

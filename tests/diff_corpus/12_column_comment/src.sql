CREATE TABLE product (
    id    integer PRIMARY KEY,
    sku   text NOT NULL,
    price numeric(10,2),
    descr text
);
COMMENT ON COLUMN product.price IS 'Price in cents';
COMMENT ON COLUMN product.descr IS 'Free text';

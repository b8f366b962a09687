CREATE TABLE product (
    id    integer PRIMARY KEY,
    sku   text NOT NULL,
    price numeric(10,2),
    descr text
);
COMMENT ON COLUMN product.sku IS 'Stock keeping unit; it''s unique per vendor';
COMMENT ON COLUMN product.price IS 'Price in EUR, two decimals';

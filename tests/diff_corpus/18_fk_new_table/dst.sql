-- New table category; existing product.category_id and a new column point to it.
CREATE TABLE category (
    id        integer PRIMARY KEY,
    parent_id integer REFERENCES category (id),
    name      text NOT NULL
);
CREATE TABLE product (
    id          integer PRIMARY KEY,
    name        text NOT NULL,
    category_id integer REFERENCES category (id) ON DELETE SET NULL,
    alt_category_id integer REFERENCES category (id)
);
CREATE TABLE product_category (
    product_id  integer NOT NULL REFERENCES product (id) ON DELETE CASCADE,
    category_id integer NOT NULL REFERENCES category (id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, category_id)
);

CREATE TABLE product (
    id    integer PRIMARY KEY,
    price numeric NOT NULL
);
CREATE TABLE line_item (
    id         integer PRIMARY KEY,
    product_id integer NOT NULL REFERENCES product (id),
    qty        integer NOT NULL
);
CREATE FUNCTION line_total(li line_item) RETURNS numeric
    LANGUAGE sql STABLE
    RETURN (SELECT p.price * li.qty FROM product p WHERE p.id = li.product_id);
CREATE FUNCTION line_count() RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM line_item;
END;

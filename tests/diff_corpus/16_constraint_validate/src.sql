CREATE TABLE warehouse (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE stock (
    id           integer PRIMARY KEY,
    warehouse_id integer NOT NULL,
    qty          integer NOT NULL
);
INSERT INTO warehouse VALUES (1, 'north'), (2, 'south');
INSERT INTO stock VALUES (1, 1, 10), (2, 2, 0), (3, 1, 5);
ALTER TABLE stock ADD CONSTRAINT stock_qty_nonneg CHECK (qty >= 0) NOT VALID;
ALTER TABLE stock ADD CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouse (id) NOT VALID;

-- Constraints added NOT VALID and deliberately left unvalidated.
CREATE TABLE warehouse (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE stock (
    id           integer PRIMARY KEY,
    warehouse_id integer NOT NULL,
    qty          integer NOT NULL
);
ALTER TABLE stock ADD CONSTRAINT stock_qty_nonneg CHECK (qty >= 0) NOT VALID;
ALTER TABLE stock ADD CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouse (id) NOT VALID;

-- Same constraints, now validated (ALTER TABLE ... VALIDATE CONSTRAINT on populated rows).
CREATE TABLE warehouse (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE stock (
    id           integer PRIMARY KEY,
    warehouse_id integer NOT NULL,
    qty          integer NOT NULL,
    CONSTRAINT stock_qty_nonneg CHECK (qty >= 0),
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouse (id)
);

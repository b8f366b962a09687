CREATE TABLE warehouse (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE stock (
    id           integer PRIMARY KEY,
    warehouse_id integer NOT NULL,
    qty          integer NOT NULL
);
INSERT INTO warehouse VALUES (1, 'north');
INSERT INTO stock VALUES (1, 1, 10), (2, 1, 0);

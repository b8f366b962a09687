CREATE TABLE cache_entry (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key   text NOT NULL UNIQUE,
    value bytea
);
CREATE UNLOGGED TABLE staging (
    id   integer PRIMARY KEY,
    data text
);
INSERT INTO cache_entry (key, value) VALUES ('k', '\x00');
INSERT INTO staging VALUES (1, 'x');

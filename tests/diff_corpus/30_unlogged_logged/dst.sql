CREATE UNLOGGED TABLE cache_entry (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key   text NOT NULL UNIQUE,
    value bytea
);
CREATE TABLE staging (
    id   integer PRIMARY KEY,
    data text
);
CREATE UNLOGGED TABLE scratch (
    id integer
);

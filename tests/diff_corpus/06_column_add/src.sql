CREATE TYPE item_status AS ENUM ('new', 'active', 'retired');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);

CREATE TABLE item (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO item VALUES (1, 'bolt'), (2, 'nut'), (3, 'washer');

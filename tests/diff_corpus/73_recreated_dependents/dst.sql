CREATE TABLE item (
    id    integer PRIMARY KEY,
    price integer NOT NULL,
    owner bigint
);
CREATE TABLE note (
    id      integer PRIMARY KEY,
    item_id integer NOT NULL
);
CREATE FUNCTION price_band(p integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT $1 / 100';
CREATE VIEW item_band AS SELECT id, price_band(price) AS band FROM item;
CREATE VIEW item_owner AS SELECT id, owner FROM item;
CREATE FUNCTION owner_count() RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(DISTINCT owner) FROM item_owner;
END;
CREATE FUNCTION owned_items() RETURNS bigint
    LANGUAGE sql STABLE
    RETURN (SELECT count(owner) FROM item);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_banded ON note
    USING (EXISTS (SELECT 1 FROM item_band b WHERE b.id = note.item_id));
CREATE POLICY note_cheap ON note USING (price_band(item_id) < 10);

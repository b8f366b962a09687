-- Objects bound to something keel must drop and create again come off
-- first and back after: a view and a policy calling a function whose result
-- type changes (DROP + CREATE), a SQL-standard body reading a view that is
-- recreated around a retyped column, and one reading the retyped column.
CREATE TABLE item (
    id    integer PRIMARY KEY,
    price integer NOT NULL,
    owner integer
);
CREATE TABLE note (
    id      integer PRIMARY KEY,
    item_id integer NOT NULL
);
CREATE FUNCTION price_band(p integer) RETURNS integer
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
INSERT INTO item VALUES (1, 250, 7), (2, 900, NULL);
INSERT INTO note VALUES (1, 1);

-- unused_seq dropped; legacy_ref dropped (its owned sequence goes with it);
-- serial column added to a populated table; new table with bigserial.
CREATE TABLE widget (
    name text NOT NULL,
    id   serial
);
CREATE TABLE widget_log (
    id        bigserial PRIMARY KEY,
    widget_id integer,
    msg       text
);

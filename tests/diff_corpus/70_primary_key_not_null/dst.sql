CREATE TABLE ledger (
    entry_id integer PRIMARY KEY,
    note     text,
    amount   integer NOT NULL
);

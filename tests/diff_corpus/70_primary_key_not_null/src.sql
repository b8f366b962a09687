-- ADD PRIMARY KEY makes its column NOT NULL while another column loses NOT
-- NULL: the reverse must drop the key before DROP NOT NULL on its column.
CREATE TABLE ledger (
    entry_id integer,
    note     text NOT NULL,
    amount   integer
);
INSERT INTO ledger VALUES (1, 'a', 5), (2, 'b', 6);

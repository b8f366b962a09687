-- Narrowing type changes: each could lose data, so keel marks them
-- destructive and casts without USING (PostgreSQL then refuses a value that
-- does not fit instead of truncating it).
CREATE TABLE invoice (
    id        integer PRIMARY KEY,
    code      varchar(200) NOT NULL,
    amount    numeric(12, 2) DEFAULT 0,
    issued_at timestamp NOT NULL DEFAULT now(),
    qty       numeric
);
INSERT INTO invoice VALUES
    (1, 'INV-1', 10.00, '2024-01-01 00:00', 3),
    (2, 'INV-2', 12.00, '2024-02-01 00:00', 4);

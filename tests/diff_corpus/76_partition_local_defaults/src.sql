-- Defaults and NOT NULL of a partition's or an inheritance child's own: the
-- parent's SET/DROP DEFAULT and DROP NOT NULL recurse into them, so keel puts
-- theirs back after the parent's, in both directions.
CREATE TABLE ev (
    id   integer NOT NULL,
    kind text DEFAULT 'x',
    note text,
    at   date NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE ev_2023 PARTITION OF ev FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE ev_2023 ALTER COLUMN kind SET DEFAULT 'old';
INSERT INTO ev VALUES (1, 'a', 'n', '2023-02-01'), (2, 'b', NULL, '2024-02-01');
CREATE TABLE base (a integer DEFAULT 1, b integer);
CREATE TABLE derived (c integer) INHERITS (base);
ALTER TABLE derived ALTER COLUMN a SET DEFAULT 5;

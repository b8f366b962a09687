-- fax, age and legacy_ref are dropped: their indexes and CHECKs go with them.
CREATE TABLE person (
    id       integer PRIMARY KEY,
    name     text NOT NULL,
    nickname text,
    email    text
);
INSERT INTO person VALUES (1, 'Ann', 'annie', 'ann@example.com');

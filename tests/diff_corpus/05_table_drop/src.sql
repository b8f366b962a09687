CREATE TABLE author (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE book (
    id        integer PRIMARY KEY,
    author_id integer REFERENCES author (id),
    title     text NOT NULL
);
CREATE INDEX book_author_id_idx ON book (author_id);
CREATE TABLE audit_log (
    id  bigserial PRIMARY KEY,
    msg text
);
INSERT INTO author VALUES (1, 'Le Guin');
INSERT INTO book VALUES (1, 1, 'The Dispossessed');
INSERT INTO audit_log (msg) VALUES ('created');

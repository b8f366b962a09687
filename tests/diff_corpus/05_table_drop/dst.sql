-- author (referenced by book's FK) and audit_log (with its serial sequence) are dropped.
CREATE TABLE book (
    id        integer PRIMARY KEY,
    author_id integer,
    title     text NOT NULL
);
CREATE INDEX book_author_id_idx ON book (author_id);

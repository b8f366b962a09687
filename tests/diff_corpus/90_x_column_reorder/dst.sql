-- Only the column order differs: not generatable with ALTER TABLE, keel must refuse.
CREATE TABLE person (
    id    integer PRIMARY KEY,
    email text,
    name  text NOT NULL
);

CREATE TABLE shift (
    id      integer PRIMARY KEY,
    worker  text NOT NULL
);

CREATE TABLE account (
    id    integer PRIMARY KEY,
    email text NOT NULL
);
INSERT INTO account VALUES (1, 'a@example.com');

CREATE TABLE country (
    code char(2),
    name text NOT NULL
);
CREATE TABLE subscriber (
    id     integer NOT NULL,
    email  text,
    handle text,
    phone  text
);
INSERT INTO country VALUES ('NZ', 'New Zealand'), ('DE', 'Germany');
INSERT INTO subscriber VALUES (1, 'a@example.com', 'a', NULL), (2, NULL, 'b', NULL), (3, 'c@example.com', 'c', '555');

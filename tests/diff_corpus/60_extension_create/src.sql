CREATE TABLE member (
    id    integer PRIMARY KEY,
    email text NOT NULL
);
INSERT INTO member VALUES (1, 'Ann@Example.com');

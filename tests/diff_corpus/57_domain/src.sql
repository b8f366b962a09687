CREATE DOMAIN email AS text
    CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
CREATE DOMAIN percent AS integer
    DEFAULT 0
    CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100)
    CONSTRAINT percent_even CHECK (VALUE % 2 = 0);
CREATE DOMAIN code AS varchar(10) COLLATE "C";
CREATE TABLE contact (
    id       integer PRIMARY KEY,
    mail     email,
    progress percent,
    ref      code
);
INSERT INTO contact VALUES (1, 'a@example.com', 50, 'R1'), (2, 'b@example.com', 10, 'R2');

CREATE TABLE sale (
    id      integer PRIMARY KEY,
    region  text NOT NULL,
    sold_on date NOT NULL,
    amount  numeric(12,2) NOT NULL
);
INSERT INTO sale VALUES (1, 'eu', '2024-01-01', 10), (2, 'us', '2024-01-02', 20);

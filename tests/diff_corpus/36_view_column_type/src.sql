CREATE TABLE account (
    id      integer PRIMARY KEY,
    handle  varchar(30) NOT NULL,
    balance integer NOT NULL DEFAULT 0
);
CREATE VIEW account_public AS
    SELECT id, handle FROM account;
CREATE VIEW rich_accounts AS
    SELECT a.id, a.handle, a.balance FROM account a WHERE a.balance > 1000;
CREATE VIEW rich_handles AS
    SELECT handle FROM rich_accounts;
INSERT INTO account VALUES (1, 'ann', 5000), (2, 'bob', 10);

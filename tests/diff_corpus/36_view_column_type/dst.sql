-- handle varchar(30) -> varchar(100) and balance integer -> bigint: the views (and the
-- view on the view) depend on these columns and must be dropped and recreated around
-- ALTER COLUMN TYPE; the views' definitions are textually unchanged.
CREATE TABLE account (
    id      integer PRIMARY KEY,
    handle  varchar(100) NOT NULL,
    balance bigint NOT NULL DEFAULT 0
);
CREATE VIEW account_public AS
    SELECT id, handle FROM account;
CREATE VIEW rich_accounts AS
    SELECT a.id, a.handle, a.balance FROM account a WHERE a.balance > 1000;
CREATE VIEW rich_handles AS
    SELECT handle FROM rich_accounts;

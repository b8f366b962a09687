-- A standalone unique index becomes a UNIQUE constraint (ADD CONSTRAINT ...
-- USING INDEX, no new build; also a PRIMARY KEY), and a UNIQUE constraint goes while its index
-- stays (dropped with the constraint, so built again in the transaction).
CREATE TABLE account (
    id    integer PRIMARY KEY,
    email text NOT NULL,
    login text NOT NULL,
    CONSTRAINT account_login_key UNIQUE (login)
);
CREATE UNIQUE INDEX account_email_key ON account (email);
COMMENT ON INDEX account_email_key IS 'one account per address';
INSERT INTO account VALUES (1, 'a@example.com', 'a'), (2, 'b@example.com', 'b');
CREATE TABLE session (token text NOT NULL, account integer);
CREATE UNIQUE INDEX session_pkey ON session (token);
INSERT INTO session VALUES ('t1', 1);

CREATE TABLE account (
    id    integer PRIMARY KEY,
    email text NOT NULL,
    login text NOT NULL,
    CONSTRAINT account_email_key UNIQUE (email)
);
COMMENT ON INDEX account_email_key IS 'one account per address';
CREATE UNIQUE INDEX account_login_key ON account (login);
CREATE TABLE session (token text NOT NULL, account integer, CONSTRAINT session_pkey PRIMARY KEY (token));

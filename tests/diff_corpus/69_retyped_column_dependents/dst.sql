CREATE TABLE account (
    id      integer PRIMARY KEY,
    owner   bigint NOT NULL,
    balance bigint NOT NULL DEFAULT 0
);
ALTER TABLE account ENABLE ROW LEVEL SECURITY;
CREATE POLICY account_owner ON account USING (owner = 1);
CREATE FUNCTION account_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TRIGGER account_big BEFORE UPDATE ON account
    FOR EACH ROW WHEN (NEW.balance > 1000) EXECUTE FUNCTION account_touch();

-- A column whose type changes is named by a policy and by a trigger's WHEN:
-- both are dropped before ALTER COLUMN ... TYPE and created again after it.
CREATE TABLE account (
    id      integer PRIMARY KEY,
    owner   integer NOT NULL,
    balance integer NOT NULL DEFAULT 0
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
INSERT INTO account VALUES (1, 1, 10), (2, 2, 2000);

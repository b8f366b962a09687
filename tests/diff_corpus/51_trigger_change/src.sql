CREATE TABLE account (
    id         integer PRIMARY KEY,
    balance    numeric(12,2) NOT NULL DEFAULT 0,
    status     text NOT NULL DEFAULT 'open',
    updated_at timestamptz
);
CREATE TABLE account_log (
    id         bigserial PRIMARY KEY,
    account_id integer,
    op         text,
    at         timestamptz DEFAULT now()
);
CREATE FUNCTION log_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_log (account_id, op) VALUES (NEW.id, TG_OP);
    RETURN NEW;
END $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER account_log_trg BEFORE INSERT ON account
    FOR EACH ROW EXECUTE FUNCTION log_account();
CREATE TRIGGER account_touch BEFORE UPDATE ON account
    FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER account_old BEFORE DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION log_account();

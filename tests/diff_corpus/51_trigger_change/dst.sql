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
CREATE FUNCTION count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_log (op) SELECT TG_OP || ':' || count(*) FROM new_rows;
    RETURN NULL;
END $$;
-- BEFORE -> AFTER and a new event (INSERT OR UPDATE OF status)
CREATE TRIGGER account_log_trg AFTER INSERT OR UPDATE OF status ON account
    FOR EACH ROW EXECUTE FUNCTION log_account();
-- WHEN clause added
CREATE TRIGGER account_touch BEFORE UPDATE ON account
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION touch();
COMMENT ON TRIGGER account_touch ON account IS 'maintains updated_at';
-- account_old dropped; statement-level trigger with a transition table added
CREATE TRIGGER account_bulk AFTER UPDATE ON account
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_changes();
-- deferrable constraint trigger
CREATE CONSTRAINT TRIGGER account_check_later AFTER INSERT ON account
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION log_account();

CREATE TABLE item (
    id   integer PRIMARY KEY,
    note text
);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_disable BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE item DISABLE TRIGGER t_disable;            -- O -> D
CREATE TRIGGER t_always BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE item ENABLE ALWAYS TRIGGER t_always;       -- O -> A
CREATE TRIGGER t_replica BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE item ENABLE REPLICA TRIGGER t_replica;     -- O -> R
CREATE TRIGGER t_enable BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION noop();
                                                       -- D -> O
CREATE TRIGGER t_from_replica BEFORE DELETE ON item FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE item ENABLE ALWAYS TRIGGER t_from_replica; -- R -> A
CREATE TRIGGER t_new_disabled AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE item DISABLE TRIGGER t_new_disabled;       -- new trigger, created disabled

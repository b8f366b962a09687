CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
CREATE EVENT TRIGGER note_ddl_end ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION note_ddl();
CREATE EVENT TRIGGER note_starts ON ddl_command_start EXECUTE FUNCTION note_ddl();
ALTER EVENT TRIGGER note_starts DISABLE;
COMMENT ON EVENT TRIGGER note_starts IS 'kept off';

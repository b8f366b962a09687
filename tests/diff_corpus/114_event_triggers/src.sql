CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
CREATE EVENT TRIGGER note_ddl_end ON ddl_command_end EXECUTE FUNCTION note_ddl();
CREATE EVENT TRIGGER note_drops ON sql_drop EXECUTE FUNCTION note_ddl();

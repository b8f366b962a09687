BEGIN;
DROP EVENT TRIGGER "note_ddl_end";
DROP EVENT TRIGGER "note_drops";
CREATE EVENT TRIGGER "note_ddl_end" ON "ddl_command_end" WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE') EXECUTE FUNCTION public.note_ddl();
CREATE EVENT TRIGGER "note_starts" ON "ddl_command_start" EXECUTE FUNCTION public.note_ddl();
ALTER EVENT TRIGGER "note_starts" DISABLE;
COMMENT ON EVENT TRIGGER "note_starts" IS 'kept off';
COMMIT;

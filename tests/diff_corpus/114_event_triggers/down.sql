BEGIN;
DROP EVENT TRIGGER "note_starts";
DROP EVENT TRIGGER "note_ddl_end";
CREATE EVENT TRIGGER "note_drops" ON "sql_drop" EXECUTE FUNCTION public.note_ddl();
CREATE EVENT TRIGGER "note_ddl_end" ON "ddl_command_end" EXECUTE FUNCTION public.note_ddl();
COMMIT;

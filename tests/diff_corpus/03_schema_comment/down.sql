BEGIN;
COMMENT ON SCHEMA "scratch" IS 'Temporary work area';
COMMENT ON SCHEMA "reporting" IS NULL;
COMMENT ON SCHEMA "app" IS 'Application tables';
COMMIT;

BEGIN;
COMMENT ON SCHEMA "app" IS 'Application tables (v2: multi-tenant)';
COMMENT ON SCHEMA "reporting" IS 'Read-only reporting views';
COMMENT ON SCHEMA "scratch" IS NULL;
COMMIT;

-- expect: drop-schema-cascade
DROP SCHEMA legacy_reports CASCADE;
-- expect: opaque-code
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reporting') THEN CREATE ROLE reporting; END IF; END $$;
-- expect: whole-table-dml
UPDATE accounts SET plan = 'free';

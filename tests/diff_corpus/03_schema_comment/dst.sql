CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Application tables (v2: multi-tenant)';
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'Read-only reporting views';
CREATE SCHEMA scratch;
CREATE TABLE app.t (id integer PRIMARY KEY);

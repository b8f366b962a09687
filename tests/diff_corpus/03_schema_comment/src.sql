CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Application tables';
CREATE SCHEMA reporting;
CREATE SCHEMA scratch;
COMMENT ON SCHEMA scratch IS 'Temporary work area';
CREATE TABLE app.t (id integer PRIMARY KEY);

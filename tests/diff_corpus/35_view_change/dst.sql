CREATE TABLE employee (
    id     integer PRIMARY KEY,
    name   text NOT NULL,
    email  text,
    salary numeric(10,2),
    active boolean NOT NULL DEFAULT true
);
-- column appended: CREATE OR REPLACE VIEW is enough
CREATE VIEW v_append AS SELECT id, name, email FROM employee;
-- only the WHERE changes
CREATE VIEW v_filter AS SELECT id, name FROM employee WHERE active AND email IS NOT NULL;
-- column removed: needs DROP VIEW + CREATE VIEW
CREATE VIEW v_shrink AS SELECT id, name FROM employee;
-- output column type changes (numeric -> integer): needs DROP + CREATE
CREATE VIEW v_retype AS SELECT id, salary::integer AS salary FROM employee;

CREATE TABLE employee (
    id     integer PRIMARY KEY,
    name   text NOT NULL,
    email  text,
    salary numeric(10,2),
    active boolean NOT NULL DEFAULT true
);
CREATE VIEW v_append AS SELECT id, name FROM employee;
CREATE VIEW v_filter AS SELECT id, name FROM employee WHERE active;
CREATE VIEW v_shrink AS SELECT id, name, salary FROM employee;
CREATE VIEW v_retype AS SELECT id, salary FROM employee;

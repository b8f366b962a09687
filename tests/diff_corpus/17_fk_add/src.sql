CREATE TABLE department (
    id   integer PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE employee (
    id            integer PRIMARY KEY,
    department_id integer,
    manager_id    integer,
    dept_name     text
);
INSERT INTO department VALUES (1, 'R&D'), (2, 'Sales');
INSERT INTO employee VALUES (1, 1, NULL, 'R&D'), (2, 1, 1, 'R&D'), (3, 2, 1, 'Sales');

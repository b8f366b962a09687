CREATE TABLE department (
    id   integer PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE employee (
    id            integer PRIMARY KEY,
    department_id integer REFERENCES department (id),
    manager_id    integer,
    dept_name     text,
    CONSTRAINT employee_manager_fk FOREIGN KEY (manager_id) REFERENCES employee (id),   -- self reference
    CONSTRAINT employee_dept_name_fk FOREIGN KEY (dept_name) REFERENCES department (name) ON UPDATE CASCADE
);

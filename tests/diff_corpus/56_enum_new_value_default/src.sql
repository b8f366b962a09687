CREATE TYPE task_state AS ENUM ('todo', 'done');
CREATE TABLE task (
    id    integer PRIMARY KEY,
    state task_state NOT NULL DEFAULT 'todo'
);
INSERT INTO task VALUES (1, 'todo'), (2, 'done');

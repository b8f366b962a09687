-- The new label is immediately used by a column default and a partial index predicate.
-- PostgreSQL refuses to use an enum value added in the same, still open transaction
-- ("unsafe use of new value"), so the ADD VALUE must be committed before the rest.
CREATE TYPE task_state AS ENUM ('backlog', 'todo', 'doing', 'done');
CREATE TABLE task (
    id    integer PRIMARY KEY,
    state task_state NOT NULL DEFAULT 'backlog'
);
CREATE INDEX task_doing_idx ON task (id) WHERE state = 'doing';

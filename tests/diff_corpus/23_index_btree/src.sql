CREATE TABLE users (
    id         integer PRIMARY KEY,
    email      text NOT NULL,
    name       text,
    org_id     integer,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX users_org_idx ON users (org_id);
CREATE INDEX users_created_idx ON users (created_at);
INSERT INTO users (id, email, name, org_id) VALUES (1, 'A@x.org', 'a', 1), (2, 'b@x.org', 'b', 1);

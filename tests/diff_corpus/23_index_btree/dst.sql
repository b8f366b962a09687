CREATE TABLE users (
    id         integer PRIMARY KEY,
    email      text NOT NULL,
    name       text,
    org_id     integer,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- users_name_idx dropped
CREATE INDEX users_org_idx ON users (org_id, created_at DESC NULLS LAST);          -- same name, new definition
CREATE INDEX users_created_idx ON users (created_at);                             -- unchanged
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));                -- unique expression index
CREATE INDEX users_active_org_idx ON users (org_id) WHERE deleted_at IS NULL;     -- partial
CREATE INDEX users_org_incl_idx ON users (org_id) INCLUDE (name, email);          -- covering
CREATE UNIQUE INDEX users_org_name_key ON users (org_id, name) NULLS NOT DISTINCT; -- PG15
CREATE INDEX users_name_hash_idx ON users USING hash (name);

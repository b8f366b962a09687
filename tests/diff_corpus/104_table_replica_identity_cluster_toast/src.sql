CREATE TABLE events (
  id bigint NOT NULL,
  kind text NOT NULL,
  body text
);
CREATE UNIQUE INDEX events_id_key ON events (id);
CREATE INDEX events_kind_idx ON events (kind);
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
ALTER TABLE audit REPLICA IDENTITY FULL;
ALTER TABLE audit CLUSTER ON audit_pkey;
ALTER TABLE audit SET (toast.autovacuum_enabled = false);

CREATE TABLE events (
  id bigint NOT NULL,
  kind text NOT NULL,
  body text
);
CREATE UNIQUE INDEX events_id_key ON events (id);
CREATE INDEX events_kind_idx ON events (kind);
ALTER TABLE events REPLICA IDENTITY USING INDEX events_id_key;
ALTER TABLE events CLUSTER ON events_kind_idx;
ALTER TABLE events SET (toast.autovacuum_vacuum_scale_factor = 0.05, fillfactor = 90);
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
ALTER TABLE audit REPLICA IDENTITY NOTHING;
CREATE TABLE feed (id bigint NOT NULL, at timestamptz NOT NULL);
CREATE UNIQUE INDEX feed_id_key ON feed (id);
CREATE INDEX feed_at_idx ON feed (at);
ALTER TABLE feed REPLICA IDENTITY USING INDEX feed_id_key;
ALTER TABLE feed CLUSTER ON feed_at_idx;
ALTER TABLE feed SET (toast.autovacuum_enabled = false);

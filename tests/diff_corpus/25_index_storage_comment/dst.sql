CREATE TABLE event (
    id         bigint PRIMARY KEY,
    kind       text NOT NULL,
    payload    jsonb,
    created_at timestamptz NOT NULL
);
CREATE INDEX event_kind_idx ON event (kind) WITH (fillfactor = 90);                          -- option added
CREATE INDEX event_created_brin ON event USING brin (created_at) WITH (pages_per_range = 64); -- option changed
CREATE INDEX event_payload_gin ON event USING gin (payload) WITH (fastupdate = off);         -- option added
CREATE INDEX event_kind_created_idx ON event (kind, created_at);                             -- option removed
COMMENT ON INDEX event_kind_idx IS 'lookup by kind (hot path)';
COMMENT ON INDEX event_created_brin IS 'time range scans';
ALTER INDEX event_pkey SET (fillfactor = 80);                                                -- on a constraint index

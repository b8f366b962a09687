CREATE TABLE event (
    id         bigint PRIMARY KEY,
    kind       text NOT NULL,
    payload    jsonb,
    created_at timestamptz NOT NULL
);
CREATE INDEX event_kind_idx ON event (kind);
CREATE INDEX event_created_brin ON event USING brin (created_at) WITH (pages_per_range = 32);
CREATE INDEX event_payload_gin ON event USING gin (payload);
CREATE INDEX event_kind_created_idx ON event (kind, created_at) WITH (fillfactor = 70);
COMMENT ON INDEX event_kind_idx IS 'lookup by kind';

CREATE TABLE event (
    id         bigint NOT NULL,
    kind       text NOT NULL DEFAULT 'info',
    created_at date NOT NULL,
    CONSTRAINT event_kind_check CHECK (kind <> '')
) PARTITION BY RANGE (created_at);
CREATE TABLE event_2022 PARTITION OF event FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE event_2023 PARTITION OF event FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE INDEX event_created_at_idx ON event (created_at);
ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (id, created_at);
INSERT INTO event VALUES (1, 'info', '2022-06-01'), (2, 'warn', '2023-06-01');

-- event_2022 was detached (ALTER TABLE event DETACH PARTITION event_2022): it is now a
-- standalone table that keeps its columns, defaults, NOT NULLs, the formerly inherited
-- CHECK and the partition's copies of the parent's indexes / primary key, under their
-- auto-generated names.
CREATE TABLE event (
    id         bigint NOT NULL,
    kind       text NOT NULL DEFAULT 'info',
    created_at date NOT NULL,
    CONSTRAINT event_kind_check CHECK (kind <> '')
) PARTITION BY RANGE (created_at);
CREATE TABLE event_2023 PARTITION OF event FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE INDEX event_created_at_idx ON event (created_at);
ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (id, created_at);

CREATE TABLE event_2022 (
    id         bigint NOT NULL,
    kind       text NOT NULL DEFAULT 'info',
    created_at date NOT NULL,
    CONSTRAINT event_kind_check CHECK (kind <> ''),
    CONSTRAINT event_2022_pkey PRIMARY KEY (id, created_at)
);
CREATE INDEX event_2022_created_at_idx ON event_2022 (created_at);

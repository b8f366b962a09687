CREATE TABLE region (
    code text PRIMARY KEY
);
INSERT INTO region VALUES ('eu'), ('us');

CREATE TABLE sale (
    id         bigint NOT NULL,
    region     text,
    sold_at    timestamptz NOT NULL,
    amount     numeric(12,2) NOT NULL DEFAULT 0,
    CONSTRAINT sale_region_fk FOREIGN KEY (region) REFERENCES region (code)
) PARTITION BY LIST (region);
CREATE TABLE sale_eu PARTITION OF sale FOR VALUES IN ('eu', 'uk');
CREATE TABLE sale_none PARTITION OF sale FOR VALUES IN (NULL);
-- sub-partitioned partition
CREATE TABLE sale_us PARTITION OF sale FOR VALUES IN ('us') PARTITION BY RANGE (sold_at);
CREATE TABLE sale_us_2024 PARTITION OF sale_us FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2025-01-01 00:00+00');
CREATE TABLE sale_us_old PARTITION OF sale_us FOR VALUES FROM (MINVALUE) TO ('2024-01-01 00:00+00');
CREATE INDEX sale_sold_at_idx ON sale (sold_at);

CREATE TABLE session (
    id      uuid NOT NULL,
    user_id integer NOT NULL,
    data    jsonb,
    PRIMARY KEY (id)
) PARTITION BY HASH (id);
CREATE TABLE session_p0 PARTITION OF session FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE session_p1 PARTITION OF session FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE TABLE measurement (
    id        bigint NOT NULL,
    sensor_id integer NOT NULL,
    logdate   date NOT NULL,
    value     double precision,
    CONSTRAINT measurement_value_check CHECK (value >= 0)
) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_2022 PARTITION OF measurement FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE measurement_2023 PARTITION OF measurement FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
-- new partition with its own storage option and a local extra index
CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    WITH (fillfactor = 90);
CREATE INDEX measurement_2024_value_idx ON measurement_2024 (value);
CREATE TABLE measurement_default PARTITION OF measurement DEFAULT;
CREATE INDEX measurement_sensor_idx ON measurement (sensor_id);
-- new index and primary key on the parent: every partition gets its own child index
CREATE INDEX measurement_logdate_sensor_idx ON measurement (logdate, sensor_id);
ALTER TABLE measurement ADD CONSTRAINT measurement_pkey PRIMARY KEY (id, logdate);

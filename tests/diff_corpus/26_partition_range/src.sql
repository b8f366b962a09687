CREATE TABLE measurement (
    id        bigint NOT NULL,
    sensor_id integer NOT NULL,
    logdate   date NOT NULL,
    value     double precision,
    CONSTRAINT measurement_value_check CHECK (value >= 0)
) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_2022 PARTITION OF measurement FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE measurement_2023 PARTITION OF measurement FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE INDEX measurement_sensor_idx ON measurement (sensor_id);
INSERT INTO measurement VALUES (1, 1, '2022-05-01', 1.5), (2, 2, '2023-03-01', 2.5);

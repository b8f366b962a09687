CREATE TABLE reading (
    id       integer PRIMARY KEY,
    celsius  numeric(5,2),
    humidity integer CHECK (humidity BETWEEN 0 AND 100),
    sensor   text NOT NULL,
    CONSTRAINT reading_celsius_check CHECK (celsius > -100),
    CONSTRAINT reading_sensor_len CHECK (length(sensor) < 10)
);
INSERT INTO reading VALUES (1, 21.5, 40, 'S-1'), (2, -3.0, 85, 'S-22');

CREATE TABLE reading (
    id       integer PRIMARY KEY,
    celsius  numeric(5,2),
    humidity integer,                                                        -- reading_humidity_check dropped
    sensor   text NOT NULL,
    CONSTRAINT reading_celsius_check CHECK (celsius > -90 AND celsius < 60), -- same name, new expression
    CONSTRAINT reading_sensor_len CHECK (length(sensor) < 10),
    CONSTRAINT reading_sensor_format CHECK (sensor ~ '^S-[0-9]+$')          -- added
);

CREATE TABLE room (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE booking (
    id        integer PRIMARY KEY,
    room_id   integer NOT NULL REFERENCES room (id),
    during    tstzrange NOT NULL,
    cancelled boolean NOT NULL DEFAULT false
);
CREATE TABLE maintenance (
    id     integer PRIMARY KEY,
    window_ daterange NOT NULL
);
INSERT INTO room VALUES (1, 'A'), (2, 'B');
INSERT INTO booking VALUES
    (1, 1, '[2024-01-01 10:00+00,2024-01-01 11:00+00)', false),
    (2, 2, '[2024-01-01 10:00+00,2024-01-01 11:00+00)', false),
    (3, 1, '[2024-01-01 10:30+00,2024-01-01 11:30+00)', true);
INSERT INTO maintenance VALUES (1, '[2024-02-01,2024-02-03)');

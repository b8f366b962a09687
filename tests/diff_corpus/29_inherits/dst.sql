CREATE TABLE vehicle (
    id     integer NOT NULL,
    wheels integer NOT NULL DEFAULT 4,
    make   text,
    CONSTRAINT vehicle_wheels_check CHECK (wheels > 0)
);
-- bike: ALTER TABLE bike NO INHERIT vehicle (keeps columns and the now-local CHECK)
CREATE TABLE bike (
    id     integer NOT NULL,
    wheels integer NOT NULL DEFAULT 4,
    make   text,
    gears  integer,
    CONSTRAINT vehicle_wheels_check CHECK (wheels > 0)
);
-- car: ALTER TABLE car INHERIT vehicle
CREATE TABLE car (
    id     integer NOT NULL,
    wheels integer NOT NULL DEFAULT 4,
    make   text,
    doors  integer,
    CONSTRAINT vehicle_wheels_check CHECK (wheels > 0)
);
ALTER TABLE car INHERIT vehicle;
-- truck: new child table (parent columns first, then its own)
CREATE TABLE truck (
    payload_kg integer NOT NULL
) INHERITS (vehicle);
-- multiple inheritance
CREATE TABLE registered (
    plate text
);
CREATE TABLE taxi (
    licence text
) INHERITS (vehicle, registered);

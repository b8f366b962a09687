CREATE TABLE vehicle (
    id     integer NOT NULL,
    wheels integer NOT NULL DEFAULT 4,
    make   text,
    CONSTRAINT vehicle_wheels_check CHECK (wheels > 0)
);
-- bike inherits today; car is a standalone look-alike
CREATE TABLE bike (
    gears integer
) INHERITS (vehicle);
CREATE TABLE car (
    id     integer NOT NULL,
    wheels integer NOT NULL DEFAULT 4,
    make   text,
    doors  integer,
    CONSTRAINT vehicle_wheels_check CHECK (wheels > 0)
);
INSERT INTO bike VALUES (1, 2, 'Brompton', 6);
INSERT INTO car VALUES (2, 4, 'Volvo', 5);

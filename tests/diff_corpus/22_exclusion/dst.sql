CREATE EXTENSION btree_gist;
CREATE TABLE room (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE booking (
    id        integer PRIMARY KEY,
    room_id   integer NOT NULL REFERENCES room (id),
    during    tstzrange NOT NULL,
    cancelled boolean NOT NULL DEFAULT false,
    -- needs btree_gist for "room_id WITH =", partial (cancelled bookings may overlap)
    CONSTRAINT booking_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (NOT cancelled)
);
CREATE TABLE maintenance (
    id     integer PRIMARY KEY,
    window_ daterange NOT NULL,
    -- plain gist on a range type, no extension needed; deferrable
    CONSTRAINT maintenance_window_excl EXCLUDE USING gist (window_ WITH &&) DEFERRABLE
);

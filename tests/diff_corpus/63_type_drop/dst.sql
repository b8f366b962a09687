-- shade, pair, intrange2 (and its multirange) dropped together with the column / function
-- using them; short_text dropped after palette.name becomes plain varchar(20).
CREATE TABLE palette (
    id   integer PRIMARY KEY,
    name varchar(20)
);

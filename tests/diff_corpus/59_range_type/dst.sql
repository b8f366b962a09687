-- CREATE TYPE ... AS RANGE also creates a multirange type (floatrange -> floatmultirange,
-- or the explicit multirange_type_name) and constructor functions for both; those are
-- implicit and must not be emitted separately.
CREATE TYPE floatrange AS RANGE (
    subtype = float8,
    subtype_diff = float8mi
);
CREATE TYPE timerange AS RANGE (
    subtype = time
);
COMMENT ON TYPE timerange IS 'Time-of-day interval';
CREATE TABLE shift (
    id      integer PRIMARY KEY,
    worker  text NOT NULL,
    hours   timerange,
    breaks  timemultirange,
    score   floatrange
);

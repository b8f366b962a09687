CREATE TYPE floatrange AS RANGE (SUBTYPE = float8);

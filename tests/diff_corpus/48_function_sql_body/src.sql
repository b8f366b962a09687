CREATE TABLE counter (
    name  text PRIMARY KEY,
    value bigint NOT NULL DEFAULT 0
);
CREATE FUNCTION double_it(x integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    RETURN x * 2;

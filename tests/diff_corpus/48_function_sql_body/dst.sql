CREATE TABLE counter (
    name  text PRIMARY KEY,
    value bigint NOT NULL DEFAULT 0
);
-- SQL-standard body (stored parsed in prosqlbody, not prosrc); changed
CREATE FUNCTION double_it(x integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    RETURN x + x;
-- BEGIN ATOMIC body referencing a table (creates a dependency on counter)
CREATE FUNCTION bump(p_name text) RETURNS bigint
    LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO counter (name) VALUES (p_name) ON CONFLICT (name) DO NOTHING;
    UPDATE counter SET value = value + 1 WHERE name = p_name;
    SELECT value FROM counter WHERE name = p_name;
END;
CREATE FUNCTION counter_total() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(sum(value), 0) FROM counter);

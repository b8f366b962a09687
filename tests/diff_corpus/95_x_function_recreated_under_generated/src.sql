-- A generated column calls a function whose result type changes: the
-- function cannot be dropped under it; keel must refuse.
CREATE FUNCTION dbl(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x*2 $$;
CREATE TABLE t (v int, g int GENERATED ALWAYS AS (dbl(v)) STORED);

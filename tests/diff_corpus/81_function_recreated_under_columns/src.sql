-- Functions whose result type changes (DROP + CREATE) while a column
-- DEFAULT, a CHECK and expression indexes call them: those come off first
-- and back after (the index built again concurrently).
CREATE FUNCTION def_v() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE FUNCTION okv(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE TABLE t (v int DEFAULT def_v(), w int CHECK (okv(w) = 1));
CREATE INDEX t_expr ON t (okv(v));
CREATE FUNCTION ident(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;
CREATE TABLE t2 (v int DEFAULT 7);
CREATE INDEX t2_expr ON t2 (ident(v));
COMMENT ON INDEX t2_expr IS 'by ident';
INSERT INTO t2 VALUES (1), (2);

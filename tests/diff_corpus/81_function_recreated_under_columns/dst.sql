CREATE FUNCTION def_v() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 1::bigint $$;
CREATE FUNCTION okv(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE TABLE t (v int DEFAULT def_v(), w int CHECK (okv(w)));
CREATE INDEX t_expr ON t (okv(v));
CREATE FUNCTION ident(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT x::bigint $$;
CREATE TABLE t2 (v int DEFAULT 7);
CREATE INDEX t2_expr ON t2 (ident(v));
COMMENT ON INDEX t2_expr IS 'by ident';

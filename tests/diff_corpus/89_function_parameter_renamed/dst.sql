-- Functions whose parameters are renamed (PostgreSQL cannot rename one with
-- CREATE OR REPLACE: DROP + CREATE) while a view, a CHECK, an expression
-- index, a column DEFAULT, a policy, a domain CHECK and a SQL-standard body
-- call them.
CREATE FUNCTION pos(y int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 > 0 $$;
CREATE TABLE t (a int CHECK (pos(a)), b int DEFAULT 1);
CREATE INDEX t_pos ON t (pos(b));
CREATE VIEW v AS SELECT a, pos(a) AS p FROM t;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (pos(a));
CREATE FUNCTION uses(z int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN pos(z);
CREATE DOMAIN posint AS int CHECK (pos(VALUE));
CREATE TABLE t3 (d posint);
-- A parameter with a default, the function called without it by a DEFAULT.
CREATE FUNCTION def1(y int DEFAULT 5) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE TABLE t2 (c int DEFAULT def1());
-- IN and OUT parameters: the IN one renamed, and (alone) an OUT one.
CREATE FUNCTION io(y int, OUT r int, OUT s text) LANGUAGE sql IMMUTABLE AS $$ SELECT $1, $1::text $$;
CREATE VIEW v2 AS SELECT (io(1)).r;
CREATE FUNCTION io2(x int, OUT q int) LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE VIEW v4 AS SELECT io2(2) AS k;
-- Overloads: ov(int) renamed, ov(text) kept.
CREATE FUNCTION ov(y int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION ov(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE VIEW v3 AS SELECT ov(1) AS i, ov('a'::text) AS s;
-- Called in named notation: the CHECK itself changes.
CREATE TABLE t4 (a int CONSTRAINT t4_named CHECK (pos(y => a)));
INSERT INTO t VALUES (1, 2);
INSERT INTO t2 VALUES (3);
INSERT INTO t3 VALUES (4);
INSERT INTO t4 VALUES (5);

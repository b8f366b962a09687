CREATE FUNCTION f_series(n integer) RETURNS SETOF integer LANGUAGE sql IMMUTABLE ROWS 50 AS $$ SELECT generate_series(1, n) $$;
CREATE FUNCTION f_cheap(x integer) RETURNS integer LANGUAGE sql IMMUTABLE COST 1 AS $$ SELECT x + 1 $$;
CREATE FUNCTION f_dear(x integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN x; END $$;
CREATE FUNCTION f_new(x integer) RETURNS SETOF integer LANGUAGE sql STABLE COST 0.5 ROWS 3 AS $$ SELECT x $$;

CREATE FUNCTION f_series(n integer) RETURNS SETOF integer LANGUAGE sql IMMUTABLE AS $$ SELECT generate_series(1, n) $$;
CREATE FUNCTION f_cheap(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
CREATE FUNCTION f_dear(x integer) RETURNS integer LANGUAGE plpgsql COST 5000 AS $$ BEGIN RETURN x; END $$;

CREATE SCHEMA util;
CREATE FUNCTION f_volatility(x integer) RETURNS integer LANGUAGE sql VOLATILE AS $$ SELECT x + 1 $$;
CREATE FUNCTION f_strict(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(x, 0) * 2 $$;
CREATE FUNCTION f_secdef() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user::text $$;
CREATE FUNCTION f_parallel(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x * x $$;
CREATE FUNCTION f_config() RETURNS integer LANGUAGE plpgsql
    SET search_path = public
    AS $$ BEGIN RETURN 1; END $$;
CREATE FUNCTION f_leak(a integer, b integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT a < b $$;
CREATE FUNCTION f_cost(x integer) RETURNS SETOF integer LANGUAGE sql IMMUTABLE AS $$ SELECT generate_series(1, x) $$;

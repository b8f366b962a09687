CREATE SCHEMA util;
CREATE FUNCTION f_volatility(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
CREATE FUNCTION f_strict(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURNS NULL ON NULL INPUT AS $$ SELECT coalesce(x, 0) * 2 $$;
CREATE FUNCTION f_secdef() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT current_user::text $$;
CREATE FUNCTION f_parallel(x integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT x * x $$;
CREATE FUNCTION f_config() RETURNS integer LANGUAGE plpgsql
    SET search_path = util, public
    SET work_mem = '64MB'
    AS $$ BEGIN RETURN 1; END $$;
CREATE FUNCTION f_leak(a integer, b integer) RETURNS boolean LANGUAGE sql IMMUTABLE LEAKPROOF AS $$ SELECT a < b $$;
CREATE FUNCTION f_cost(x integer) RETURNS SETOF integer LANGUAGE sql IMMUTABLE COST 10 ROWS 50 AS $$ SELECT generate_series(1, x) $$;

CREATE FUNCTION area(side integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT side * side $$;
CREATE FUNCTION area(w integer, h integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT w * h $$;
CREATE FUNCTION area(radius double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * radius * radius $$;
CREATE FUNCTION fmt(v integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT v::text $$;

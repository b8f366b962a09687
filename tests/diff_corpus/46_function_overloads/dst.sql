CREATE FUNCTION area(side integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT side * side $$;
-- body changed on one overload only
CREATE FUNCTION area(w integer, h integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT abs(w * h) $$;
-- area(double precision) dropped, area(numeric) and area(variadic) added
CREATE FUNCTION area(radius numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT 3.14159 * radius * radius $$;
CREATE FUNCTION area(VARIADIC sides integer[]) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT count(*) FROM unnest(sides) $$;
CREATE FUNCTION fmt(v integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT v::text $$;
CREATE FUNCTION fmt(v date, style text DEFAULT 'YYYY-MM-DD') RETURNS text LANGUAGE sql STABLE AS $$ SELECT to_char(v, style) $$;
CREATE FUNCTION fmt(v anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '<' || v::text || '>' $$;

-- A function named "f(x" with overloads (the argument list is the last
-- parenthesis group of the key), a name with a space, and SET search_path
-- with a quoted schema name holding a comma.
CREATE FUNCTION "f(x"(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION "f(x"(a text) RETURNS text LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE SCHEMA "a, b";
CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;

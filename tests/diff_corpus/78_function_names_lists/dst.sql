CREATE FUNCTION "f(x"(a int) RETURNS bigint LANGUAGE sql AS $$ SELECT a::bigint $$;
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a + 1 $$;
CREATE FUNCTION "My Func"(a int DEFAULT 1) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE SCHEMA "a, b";
CREATE FUNCTION g() RETURNS int LANGUAGE sql SET search_path = "a, b", public AS $$ SELECT 1 $$;

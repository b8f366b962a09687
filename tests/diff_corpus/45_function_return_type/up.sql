BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."item_stats"(OUT n integer, OUT total integer);
DROP FUNCTION "public"."cheap_items"(max_price integer);
CREATE FUNCTION "public"."cheap_items"(max_price integer) RETURNS TABLE(id integer, name text, price integer)
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT id, name, price FROM item WHERE price <= max_price $body$;
DROP FUNCTION "public"."item_count"();
CREATE FUNCTION "public"."item_count"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT count(*) FROM item $body$;
CREATE FUNCTION "public"."item_stats"(OUT n bigint, OUT total bigint, OUT avg_price numeric) RETURNS record
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT count(*), coalesce(sum(price), 0), avg(price) FROM item $body$;
COMMIT;

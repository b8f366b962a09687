BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."item_stats"(OUT n bigint, OUT total bigint, OUT avg_price numeric);
DROP FUNCTION "public"."item_count"();
CREATE FUNCTION "public"."item_count"() RETURNS integer
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT count(*)::integer FROM item $body$;
DROP FUNCTION "public"."cheap_items"(max_price integer);
CREATE FUNCTION "public"."cheap_items"(max_price integer) RETURNS TABLE(id integer, name text)
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT id, name FROM item WHERE price <= max_price $body$;
CREATE FUNCTION "public"."item_stats"(OUT n integer, OUT total integer) RETURNS record
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
AS $body$ SELECT count(*)::integer, coalesce(sum(price), 0)::integer FROM item $body$;
COMMIT;

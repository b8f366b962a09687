BEGIN;
SET LOCAL check_function_bodies = off;
DROP POLICY "note_banded" ON "public"."note";
DROP POLICY "note_cheap" ON "public"."note";
DROP FUNCTION "public"."owned_items"();
DROP FUNCTION "public"."owner_count"();
DROP VIEW "public"."item_band";
DROP VIEW "public"."item_owner";
DROP FUNCTION "public"."price_band"(p integer);
CREATE FUNCTION "public"."price_band"(p integer) RETURNS bigint
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$SELECT $1 / 100$body$;
ALTER TABLE "public"."item" ALTER COLUMN "owner" TYPE bigint USING "owner"::bigint;
CREATE VIEW "public"."item_band" AS
 SELECT item.id,
    public.price_band(item.price) AS band
   FROM public.item;
CREATE VIEW "public"."item_owner" AS
 SELECT item.id,
    item.owner
   FROM public.item;
CREATE FUNCTION "public"."owned_items"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
RETURN (SELECT count(item.owner) AS count FROM public.item);
CREATE FUNCTION "public"."owner_count"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
BEGIN ATOMIC
 SELECT count(DISTINCT item_owner.owner) AS count
    FROM public.item_owner;
END;
CREATE POLICY "note_banded" ON "public"."note" FOR ALL TO PUBLIC USING ((EXISTS ( SELECT 1
   FROM public.item_band b
  WHERE (b.id = note.item_id))));
CREATE POLICY "note_cheap" ON "public"."note" FOR ALL TO PUBLIC USING ((public.price_band(item_id) < 10));
COMMIT;

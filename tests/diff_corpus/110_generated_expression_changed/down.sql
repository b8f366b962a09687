BEGIN;
COMMENT ON COLUMN "public"."line_items"."total" IS 'before tax';
DROP VIEW "public"."big_items";
ALTER TABLE "public"."line_items" DROP COLUMN "total";
ALTER TABLE "public"."line_items" ADD COLUMN "total" numeric GENERATED ALWAYS AS (((qty)::numeric * price)) STORED;
COMMENT ON COLUMN "public"."line_items"."total" IS 'before tax';
ALTER TABLE "public"."line_items" ADD CONSTRAINT "line_items_total_check" CHECK ((total >= (0)::numeric));
CREATE INDEX line_items_total_idx ON public.line_items USING btree (total);
CREATE VIEW "public"."big_items" AS
 SELECT line_items.id,
    line_items.total
   FROM public.line_items
  WHERE line_items.total > 10::numeric;
COMMIT;

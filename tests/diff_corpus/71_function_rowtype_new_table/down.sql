BEGIN;
SET LOCAL check_function_bodies = off;
DROP FUNCTION "public"."line_total"(li public.line_item);
DROP FUNCTION "public"."line_count"();
ALTER TABLE "public"."line_item" DROP CONSTRAINT "line_item_product_id_fkey";
DROP TABLE "public"."line_item";
COMMIT;

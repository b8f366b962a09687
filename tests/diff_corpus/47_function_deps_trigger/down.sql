BEGIN;
SET LOCAL check_function_bodies = off;
DROP TRIGGER "product_touch" ON "public"."product";
ALTER TABLE "public"."product" DROP CONSTRAINT "product_sku_valid";
ALTER TABLE "public"."product" ALTER COLUMN "code" DROP DEFAULT;
DROP FUNCTION "public"."touch_updated_at"();
DROP FUNCTION "public"."new_code"();
DROP FUNCTION "public"."is_valid_sku"(s text);
COMMIT;

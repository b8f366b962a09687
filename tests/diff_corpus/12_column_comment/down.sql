BEGIN;
COMMENT ON COLUMN "public"."product"."sku" IS NULL;
COMMENT ON COLUMN "public"."product"."price" IS 'Price in cents';
COMMENT ON COLUMN "public"."product"."descr" IS 'Free text';
COMMIT;

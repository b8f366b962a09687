BEGIN;
COMMENT ON COLUMN "public"."product"."descr" IS NULL;
COMMENT ON COLUMN "public"."product"."price" IS 'Price in EUR, two decimals';
COMMENT ON COLUMN "public"."product"."sku" IS 'Stock keeping unit; it''s unique per vendor';
COMMIT;

BEGIN;
COMMENT ON COLUMN "public"."order_days"."n" IS NULL;
COMMENT ON COLUMN "public"."open_orders"."placed_at" IS 'when the order was placed';
COMMENT ON COLUMN "public"."open_orders"."id" IS NULL;
DROP VIEW "public"."recent";
ALTER VIEW "public"."open_orders" ALTER COLUMN "status" SET DEFAULT 'open'::text;
ALTER VIEW "public"."open_orders" ALTER COLUMN "placed_at" DROP DEFAULT;
COMMIT;

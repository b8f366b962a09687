BEGIN;
ALTER VIEW "public"."open_orders" ALTER COLUMN "placed_at" SET DEFAULT now();
ALTER VIEW "public"."open_orders" ALTER COLUMN "status" DROP DEFAULT;
CREATE VIEW "public"."recent" AS
 SELECT orders.id,
    orders.status
   FROM public.orders;
COMMENT ON COLUMN "public"."recent"."status" IS 'status';
ALTER VIEW "public"."recent" ALTER COLUMN "status" SET DEFAULT 'new'::text;
COMMENT ON COLUMN "public"."open_orders"."id" IS 'the order''s key';
COMMENT ON COLUMN "public"."open_orders"."placed_at" IS NULL;
COMMENT ON COLUMN "public"."order_days"."n" IS 'orders that day';
COMMIT;

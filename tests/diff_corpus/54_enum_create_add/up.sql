-- keel:no-transaction (new enum values must be committed before they are used)
ALTER TYPE "public"."order_status" ADD VALUE IF NOT EXISTS 'shipped';
ALTER TYPE "public"."order_status" ADD VALUE IF NOT EXISTS 'cancelled';
BEGIN;
CREATE TYPE "public"."payment_method" AS ENUM ('card', 'cash', 'transfer');
COMMENT ON TYPE "public"."payment_method" IS 'How an order was paid';
ALTER TABLE "public"."orders" ADD COLUMN "method" public.payment_method;
ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_method_check" CHECK (((method IS DISTINCT FROM 'transfer'::public.payment_method) OR (status <> 'new'::public.order_status))) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_method_check";

BEGIN;
ALTER TABLE "public"."stock" DROP CONSTRAINT "stock_warehouse_fk";
ALTER TABLE "public"."stock" DROP CONSTRAINT "stock_qty_nonneg";
COMMIT;

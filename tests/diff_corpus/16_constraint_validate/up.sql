-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."stock" VALIDATE CONSTRAINT "stock_qty_nonneg";
ALTER TABLE "public"."stock" VALIDATE CONSTRAINT "stock_warehouse_fk";

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."stock" DROP CONSTRAINT "stock_warehouse_fk";
ALTER TABLE "public"."stock" ADD CONSTRAINT "stock_warehouse_fk" FOREIGN KEY (warehouse_id) REFERENCES public.warehouse(id) NOT VALID;
ALTER TABLE "public"."stock" DROP CONSTRAINT "stock_qty_nonneg";
ALTER TABLE "public"."stock" ADD CONSTRAINT "stock_qty_nonneg" CHECK ((qty >= 0)) NOT VALID;

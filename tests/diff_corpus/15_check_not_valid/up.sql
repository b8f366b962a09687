BEGIN;
ALTER TABLE "public"."stock" ADD CONSTRAINT "stock_qty_nonneg" CHECK ((qty >= 0)) NOT VALID;
ALTER TABLE "public"."stock" ADD CONSTRAINT "stock_warehouse_fk" FOREIGN KEY (warehouse_id) REFERENCES public.warehouse(id) NOT VALID;
COMMIT;

BEGIN;
CREATE TABLE "public"."region_us" PARTITION OF "public"."region" FOR VALUES IN ('us');
ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_total_check" CHECK ((total >= (0)::numeric));
ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES public.customer(id);
COMMIT;

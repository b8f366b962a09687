BEGIN;
ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_customer_id_fkey";
ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_total_check";
ALTER TABLE "public"."region" DETACH PARTITION "public"."region_us";
DROP TABLE "public"."region_us";
COMMIT;

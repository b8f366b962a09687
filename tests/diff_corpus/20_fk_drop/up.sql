BEGIN;
ALTER TABLE "public"."invoice" DROP CONSTRAINT "invoice_customer_id_fkey";
ALTER TABLE "public"."invoice" DROP CONSTRAINT "invoice_parent_id_fkey";
COMMIT;

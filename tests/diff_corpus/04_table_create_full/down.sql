BEGIN;
ALTER TABLE "public"."order" DROP CONSTRAINT "order_account_id_fkey";
DROP TABLE "public"."order";
COMMIT;

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."ledger" DROP CONSTRAINT "ledger_pkey";
ALTER TABLE "public"."ledger" ALTER COLUMN "amount" DROP NOT NULL;
ALTER TABLE "public"."ledger" ALTER COLUMN "entry_id" DROP NOT NULL;
BEGIN;
ALTER TABLE "public"."ledger" DROP CONSTRAINT IF EXISTS "amount_keel_not_null";
ALTER TABLE "public"."ledger" ALTER COLUMN "note" SET NOT NULL;
ALTER TABLE "public"."ledger" DROP CONSTRAINT IF EXISTS "entry_id_keel_not_null";
COMMIT;

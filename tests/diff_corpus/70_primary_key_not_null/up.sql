BEGIN;
ALTER TABLE "public"."ledger" ADD CONSTRAINT "entry_id_keel_not_null" CHECK ("entry_id" IS NOT NULL) NOT VALID;
ALTER TABLE "public"."ledger" ALTER COLUMN "note" DROP NOT NULL;
ALTER TABLE "public"."ledger" ADD CONSTRAINT "amount_keel_not_null" CHECK ("amount" IS NOT NULL) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."ledger" VALIDATE CONSTRAINT "entry_id_keel_not_null";
ALTER TABLE "public"."ledger" ALTER COLUMN "entry_id" SET NOT NULL;
ALTER TABLE "public"."ledger" DROP CONSTRAINT "entry_id_keel_not_null";
ALTER TABLE "public"."ledger" VALIDATE CONSTRAINT "amount_keel_not_null";
ALTER TABLE "public"."ledger" ALTER COLUMN "amount" SET NOT NULL;
ALTER TABLE "public"."ledger" DROP CONSTRAINT "amount_keel_not_null";
CREATE UNIQUE INDEX CONCURRENTLY ledger_pkey ON public.ledger USING btree (entry_id);
ALTER TABLE "public"."ledger" ADD CONSTRAINT "ledger_pkey" PRIMARY KEY USING INDEX "ledger_pkey";

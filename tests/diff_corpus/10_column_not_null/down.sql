-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."customer" ALTER COLUMN "email" DROP NOT NULL;
BEGIN;
ALTER TABLE "public"."customer" ALTER COLUMN "phone" SET NOT NULL;
ALTER TABLE "public"."customer" DROP CONSTRAINT IF EXISTS "email_keel_not_null";
COMMIT;

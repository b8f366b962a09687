BEGIN;
ALTER TABLE "public"."customer" ADD CONSTRAINT "email_keel_not_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "public"."customer" ALTER COLUMN "phone" DROP NOT NULL;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."customer" VALIDATE CONSTRAINT "email_keel_not_null";
ALTER TABLE "public"."customer" ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "public"."customer" DROP CONSTRAINT "email_keel_not_null";

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."subscriber" DROP CONSTRAINT "subscriber_pkey";
ALTER TABLE "public"."subscriber" DROP CONSTRAINT "subscriber_handle_phone_key";
ALTER TABLE "public"."subscriber" DROP CONSTRAINT "subscriber_email_key";
ALTER TABLE "public"."country" DROP CONSTRAINT "country_pkey";
ALTER TABLE "public"."country" DROP CONSTRAINT "country_name_key";
ALTER TABLE "public"."country" ALTER COLUMN "code" DROP NOT NULL;
BEGIN;
ALTER TABLE "public"."country" DROP CONSTRAINT IF EXISTS "code_keel_not_null";
COMMIT;

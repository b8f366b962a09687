BEGIN;
SET LOCAL check_function_bodies = off;
COMMENT ON TYPE "public"."address" IS NULL;
ALTER TABLE "public"."customer" DROP COLUMN "balance";
DROP FUNCTION "public"."zero_eur"();
DROP TYPE "public"."money_amount";
ALTER TYPE "public"."address" DROP ATTRIBUTE "zip";
COMMIT;

BEGIN;
ALTER TABLE "public"."shift" DROP COLUMN "score";
ALTER TABLE "public"."shift" DROP COLUMN "breaks";
ALTER TABLE "public"."shift" DROP COLUMN "hours";
DROP TYPE "public"."timerange";
DROP TYPE "public"."floatrange";
COMMIT;

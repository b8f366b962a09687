BEGIN;
ALTER TABLE "public"."c" DROP CONSTRAINT "c_fresh_fkey";
ALTER TABLE "public"."c" DROP CONSTRAINT "c_code_fkey";
ALTER TABLE "public"."c" DROP CONSTRAINT "c_a_b_fkey";
DROP INDEX "public"."p_code_idx";
DROP INDEX "public"."p_ba_idx";
ALTER TABLE "public"."c" DROP COLUMN "fresh";
COMMIT;

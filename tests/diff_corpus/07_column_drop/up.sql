BEGIN;
ALTER TABLE "public"."person" DROP CONSTRAINT "person_age_check";
ALTER TABLE "public"."person" DROP CONSTRAINT "person_name_age_check";
DROP INDEX "public"."person_legacy_ref_idx";
DROP INDEX "public"."person_name_fax_idx";
ALTER TABLE "public"."person" DROP COLUMN "legacy_ref";
ALTER TABLE "public"."person" DROP COLUMN "age";
ALTER TABLE "public"."person" DROP COLUMN "fax";
COMMIT;

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."staff" DROP CONSTRAINT "staff_pkey";
ALTER TABLE "public"."staff" ALTER COLUMN "id" DROP NOT NULL;
BEGIN;
ALTER TABLE "public"."staff" NOT OF;
ALTER TABLE "public"."staff" DROP CONSTRAINT IF EXISTS "id_keel_not_null";
ALTER TABLE "public"."guests" OF public.person;
DROP TABLE "public"."visitors";
COMMIT;

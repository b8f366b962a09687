BEGIN;
ALTER TYPE "public"."status" RENAME TO "status__keel_old";
CREATE TYPE "public"."status" AS ENUM ('draft', 'review', 'published', 'archived');
ALTER TABLE "public"."post" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "public"."post" ALTER COLUMN "status" TYPE "public"."status" USING "status"::text::"public"."status";
ALTER TABLE "public"."post" ALTER COLUMN "status" SET DEFAULT 'draft'::public.status;
DROP TYPE "public"."status__keel_old";
COMMIT;

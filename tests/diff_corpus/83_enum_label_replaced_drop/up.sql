BEGIN;
ALTER TYPE "public"."st" RENAME TO "st__keel_old";
CREATE TYPE "public"."st" AS ENUM ('new', 'legacy', 'gone');
ALTER TABLE "public"."t" ALTER COLUMN "s" DROP DEFAULT;
ALTER TABLE "public"."t" ALTER COLUMN "s" TYPE "public"."st" USING "s"::text::"public"."st";
ALTER TABLE "public"."t" ALTER COLUMN "s" SET DEFAULT 'legacy'::public.st;
DROP TYPE "public"."st__keel_old";
COMMIT;

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."task_doing_idx";
BEGIN;
ALTER TABLE "public"."task" ALTER COLUMN "state" SET DEFAULT 'todo'::public.task_state;
ALTER TYPE "public"."task_state" RENAME TO "task_state__keel_old";
CREATE TYPE "public"."task_state" AS ENUM ('todo', 'done');
ALTER TABLE "public"."task" ALTER COLUMN "state" DROP DEFAULT;
ALTER TABLE "public"."task" ALTER COLUMN "state" TYPE "public"."task_state" USING "state"::text::"public"."task_state";
ALTER TABLE "public"."task" ALTER COLUMN "state" SET DEFAULT 'todo'::public.task_state;
DROP TYPE "public"."task_state__keel_old";
COMMIT;

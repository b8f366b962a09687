-- keel:no-transaction (new enum values must be committed before they are used)
ALTER TYPE "public"."task_state" ADD VALUE IF NOT EXISTS 'backlog' BEFORE 'todo';
ALTER TYPE "public"."task_state" ADD VALUE IF NOT EXISTS 'doing' BEFORE 'done';
BEGIN;
ALTER TABLE "public"."task" ALTER COLUMN "state" SET DEFAULT 'backlog'::public.task_state;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
CREATE INDEX CONCURRENTLY task_doing_idx ON public.task USING btree (id) WHERE (state = 'doing'::public.task_state);

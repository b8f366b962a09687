-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."base" ALTER COLUMN "b" DROP NOT NULL;
BEGIN;
ALTER TABLE "public"."ev_2024" ALTER COLUMN "note" DROP DEFAULT;
ALTER TABLE "public"."ev" ALTER COLUMN "kind" SET DEFAULT 'x'::text;
ALTER TABLE "public"."ev_2023" ALTER COLUMN "kind" SET DEFAULT 'old'::text;
ALTER TABLE "public"."base" DROP CONSTRAINT IF EXISTS "b_keel_not_null";
ALTER TABLE "public"."base" ALTER COLUMN "b" DROP DEFAULT;
ALTER TABLE "public"."ev" ALTER COLUMN "id" SET NOT NULL;
ALTER TABLE "public"."base" ALTER COLUMN "a" SET DEFAULT 1;
ALTER TABLE "public"."derived" ALTER COLUMN "a" SET DEFAULT 5;
COMMIT;

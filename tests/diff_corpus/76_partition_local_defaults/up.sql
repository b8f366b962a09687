BEGIN;
ALTER TABLE "public"."base" ALTER COLUMN "a" SET DEFAULT 2;
ALTER TABLE "public"."derived" ALTER COLUMN "a" SET DEFAULT 5;
ALTER TABLE "public"."ev" ALTER COLUMN "id" DROP NOT NULL;
ALTER TABLE "public"."ev_2023" ALTER COLUMN "id" SET NOT NULL;
ALTER TABLE "public"."base" ALTER COLUMN "b" SET DEFAULT 0;
ALTER TABLE "public"."base" ADD CONSTRAINT "b_keel_not_null" CHECK ("b" IS NOT NULL) NOT VALID;
ALTER TABLE "public"."ev" ALTER COLUMN "kind" SET DEFAULT 'y'::text;
ALTER TABLE "public"."ev_2023" ALTER COLUMN "kind" SET DEFAULT 'old'::text;
ALTER TABLE "public"."ev_2024" ALTER COLUMN "note" SET DEFAULT 'none'::text;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."base" VALIDATE CONSTRAINT "b_keel_not_null";
ALTER TABLE "public"."base" ALTER COLUMN "b" SET NOT NULL;
ALTER TABLE "public"."base" DROP CONSTRAINT "b_keel_not_null";

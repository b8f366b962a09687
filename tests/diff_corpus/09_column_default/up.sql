BEGIN;
ALTER TABLE "public"."setting" ALTER COLUMN "value" DROP DEFAULT;
ALTER TABLE "public"."setting" ALTER COLUMN "retries" SET DEFAULT 3;
ALTER TABLE "public"."setting" ALTER COLUMN "enabled" SET DEFAULT true;
ALTER TABLE "public"."setting" ALTER COLUMN "updated_at" SET DEFAULT now();
COMMIT;

BEGIN;
ALTER TABLE "public"."setting" ALTER COLUMN "updated_at" SET DEFAULT '2000-01-01 00:00:00+00'::timestamp with time zone;
ALTER TABLE "public"."setting" ALTER COLUMN "enabled" SET DEFAULT false;
ALTER TABLE "public"."setting" ALTER COLUMN "retries" DROP DEFAULT;
ALTER TABLE "public"."setting" ALTER COLUMN "value" SET DEFAULT 'unset'::text;
COMMIT;

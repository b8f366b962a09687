BEGIN;
ALTER TABLE "public"."contact" DROP COLUMN "zip";
DROP DOMAIN "public"."us_postal";
ALTER DOMAIN "public"."percent" ADD CONSTRAINT "percent_even" CHECK (((VALUE % 2) = 0));
ALTER DOMAIN "public"."percent" SET DEFAULT 0;
ALTER DOMAIN "public"."email" DROP CONSTRAINT "email_lower";
ALTER DOMAIN "public"."email" DROP NOT NULL;
ALTER DOMAIN "public"."code" DROP DEFAULT;
COMMIT;

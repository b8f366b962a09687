-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."member_path_idx";
DROP INDEX CONCURRENTLY "public"."member_email_key";
BEGIN;
ALTER TABLE "public"."member" DROP COLUMN "path";
ALTER TABLE "public"."member" DROP COLUMN "prefs";
ALTER TABLE "public"."member" ALTER COLUMN "email" TYPE text USING "email"::text;
DROP EXTENSION "ltree";
DROP EXTENSION "hstore";
DROP EXTENSION "citext";
DROP SCHEMA "ext";
COMMIT;

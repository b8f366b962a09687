BEGIN;
ALTER TABLE "public"."cache_entry" SET LOGGED;
ALTER TABLE "public"."staging" SET UNLOGGED;
DROP TABLE "public"."scratch";
COMMIT;

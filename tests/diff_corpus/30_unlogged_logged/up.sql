BEGIN;
CREATE UNLOGGED TABLE "public"."scratch" (
  "id" integer
);
ALTER TABLE "public"."staging" SET LOGGED;
ALTER TABLE "public"."cache_entry" SET UNLOGGED;
COMMIT;

BEGIN;
ALTER TABLE "public"."documents" ALTER COLUMN "tags" SET STATISTICS -1;
ALTER TABLE "public"."documents" ALTER COLUMN "score" RESET (n_distinct);
ALTER TABLE "public"."documents" ALTER COLUMN "payload" SET COMPRESSION DEFAULT;
ALTER TABLE "public"."documents" ALTER COLUMN "body" SET STORAGE EXTENDED;
DROP TABLE "public"."archive";
COMMIT;

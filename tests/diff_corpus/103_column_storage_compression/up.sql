BEGIN;
CREATE TABLE "public"."archive" (
  "id" bigint NOT NULL,
  "body" text,
  CONSTRAINT "archive_pkey" PRIMARY KEY (id)
);
ALTER TABLE "public"."archive" ALTER COLUMN "id" SET (n_distinct=-0.5, n_distinct_inherited=10);
ALTER TABLE "public"."archive" ALTER COLUMN "body" SET STORAGE MAIN;
ALTER TABLE "public"."archive" ALTER COLUMN "body" SET COMPRESSION pglz;
ALTER TABLE "public"."archive" ALTER COLUMN "body" SET STATISTICS 50;
ALTER TABLE "public"."documents" ALTER COLUMN "body" SET STORAGE EXTERNAL;
ALTER TABLE "public"."documents" ALTER COLUMN "payload" SET COMPRESSION pglz;
ALTER TABLE "public"."documents" ALTER COLUMN "score" SET (n_distinct=100);
ALTER TABLE "public"."documents" ALTER COLUMN "tags" SET STATISTICS 500;
COMMIT;

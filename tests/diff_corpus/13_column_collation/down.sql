BEGIN;
ALTER TABLE "public"."tag" ALTER COLUMN "sort" TYPE text COLLATE pg_catalog."POSIX";
ALTER TABLE "public"."tag" ALTER COLUMN "slug" TYPE character varying(64) COLLATE pg_catalog."C";
ALTER TABLE "public"."tag" ALTER COLUMN "label" TYPE text;
COMMIT;

BEGIN;
ALTER TABLE "public"."tag" ALTER COLUMN "label" TYPE text COLLATE pg_catalog."C";
ALTER TABLE "public"."tag" ALTER COLUMN "slug" TYPE character varying(64);
ALTER TABLE "public"."tag" ALTER COLUMN "sort" TYPE text COLLATE pg_catalog."C";
COMMIT;

BEGIN;
ALTER TABLE "public"."m" ALTER COLUMN "r" TYPE double precision USING "r"::double precision;
ALTER TABLE "public"."m" ALTER COLUMN "tm" TYPE time without time zone USING "tm"::time without time zone;
ALTER TABLE "public"."m" ALTER COLUMN "n" TYPE numeric(20,10);
ALTER TABLE "public"."m" ALTER COLUMN "ts" TYPE timestamp without time zone USING "ts"::timestamp without time zone;
ALTER TABLE "public"."m" ALTER COLUMN "f" TYPE double precision USING "f"::double precision;
COMMIT;

BEGIN;
ALTER TABLE "public"."m" ALTER COLUMN "f" TYPE integer USING "f"::integer;
ALTER TABLE "public"."m" ALTER COLUMN "ts" TYPE timestamp(0) without time zone USING "ts"::timestamp(0) without time zone;
ALTER TABLE "public"."m" ALTER COLUMN "n" TYPE double precision USING "n"::double precision;
ALTER TABLE "public"."m" ALTER COLUMN "tm" TYPE time(0) without time zone USING "tm"::time(0) without time zone;
ALTER TABLE "public"."m" ALTER COLUMN "r" TYPE real USING "r"::real;
COMMIT;

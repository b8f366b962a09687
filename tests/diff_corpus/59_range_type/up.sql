BEGIN;
CREATE TYPE "public"."floatrange" AS RANGE (SUBTYPE = double precision, SUBTYPE_DIFF = float8mi);
CREATE TYPE "public"."timerange" AS RANGE (SUBTYPE = time without time zone);
COMMENT ON TYPE "public"."timerange" IS 'Time-of-day interval';
ALTER TABLE "public"."shift" ADD COLUMN "hours" public.timerange;
ALTER TABLE "public"."shift" ADD COLUMN "breaks" public.timemultirange;
ALTER TABLE "public"."shift" ADD COLUMN "score" public.floatrange;
COMMIT;

BEGIN;
ALTER TABLE "public"."reading" DROP CONSTRAINT "reading_celsius_check";
ALTER TABLE "public"."reading" DROP CONSTRAINT "reading_humidity_check";
ALTER TABLE "public"."reading" ADD CONSTRAINT "reading_celsius_check" CHECK (((celsius > ('-90'::integer)::numeric) AND (celsius < (60)::numeric))) NOT VALID;
ALTER TABLE "public"."reading" ADD CONSTRAINT "reading_sensor_format" CHECK ((sensor ~ '^S-[0-9]+$'::text)) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."reading" VALIDATE CONSTRAINT "reading_celsius_check";
ALTER TABLE "public"."reading" VALIDATE CONSTRAINT "reading_sensor_format";

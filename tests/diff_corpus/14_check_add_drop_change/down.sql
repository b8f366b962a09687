BEGIN;
ALTER TABLE "public"."reading" DROP CONSTRAINT "reading_sensor_format";
ALTER TABLE "public"."reading" DROP CONSTRAINT "reading_celsius_check";
ALTER TABLE "public"."reading" ADD CONSTRAINT "reading_humidity_check" CHECK (((humidity >= 0) AND (humidity <= 100)));
ALTER TABLE "public"."reading" ADD CONSTRAINT "reading_celsius_check" CHECK ((celsius > ('-100'::integer)::numeric));
COMMIT;

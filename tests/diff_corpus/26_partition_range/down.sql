BEGIN;
DROP INDEX "public"."measurement_logdate_sensor_idx";
ALTER TABLE "public"."measurement" DROP CONSTRAINT "measurement_pkey";
DROP TABLE "public"."measurement_default";
DROP TABLE "public"."measurement_2024";
COMMIT;

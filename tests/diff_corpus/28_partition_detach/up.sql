BEGIN;
ALTER TABLE "public"."event" DETACH PARTITION "public"."event_2022";
COMMIT;

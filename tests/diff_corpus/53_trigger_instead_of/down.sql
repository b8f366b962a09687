BEGIN;
SET LOCAL check_function_bodies = off;
DROP TRIGGER "person_full_ins" ON "public"."person_full";
DROP FUNCTION "public"."person_full_insert"();
COMMIT;

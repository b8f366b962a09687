BEGIN;
DROP TRIGGER "t_new_disabled" ON "public"."item";
ALTER TABLE "public"."item" ENABLE TRIGGER "t_replica";
ALTER TABLE "public"."item" ENABLE REPLICA TRIGGER "t_from_replica";
ALTER TABLE "public"."item" DISABLE TRIGGER "t_enable";
ALTER TABLE "public"."item" ENABLE TRIGGER "t_disable";
ALTER TABLE "public"."item" ENABLE TRIGGER "t_always";
COMMIT;

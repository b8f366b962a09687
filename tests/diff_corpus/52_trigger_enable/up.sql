BEGIN;
ALTER TABLE "public"."item" ENABLE ALWAYS TRIGGER "t_always";
ALTER TABLE "public"."item" DISABLE TRIGGER "t_disable";
ALTER TABLE "public"."item" ENABLE TRIGGER "t_enable";
ALTER TABLE "public"."item" ENABLE ALWAYS TRIGGER "t_from_replica";
ALTER TABLE "public"."item" ENABLE REPLICA TRIGGER "t_replica";
CREATE TRIGGER t_new_disabled AFTER INSERT ON public.item FOR EACH ROW EXECUTE FUNCTION public.noop();
ALTER TABLE "public"."item" DISABLE TRIGGER "t_new_disabled";
COMMIT;

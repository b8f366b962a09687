BEGIN;
DROP RULE "event_kinds_insert" ON "public"."event_kinds";
DROP RULE "events_no_update" ON "public"."events";
CREATE OR REPLACE RULE events_copy AS
    ON INSERT TO public.events DO  INSERT INTO public.events_log (id, kind)
  VALUES (new.id, new.kind);
ALTER TABLE "public"."events" ENABLE RULE "events_copy";
CREATE RULE events_no_delete AS
    ON DELETE TO public.events DO INSTEAD NOTHING;
COMMIT;

BEGIN;
DROP RULE "events_no_delete" ON "public"."events";
CREATE OR REPLACE RULE events_copy AS
    ON INSERT TO public.events DO  INSERT INTO public.events_log (id, kind)
  VALUES (new.id, upper(new.kind));
ALTER TABLE "public"."events" DISABLE RULE "events_copy";
CREATE RULE events_no_update AS
    ON UPDATE TO public.events DO INSTEAD NOTHING;
COMMENT ON RULE "events_no_update" ON "public"."events" IS 'append only';
CREATE RULE event_kinds_insert AS
    ON INSERT TO public.event_kinds DO INSTEAD  INSERT INTO public.events (id, kind)
  VALUES (new.id, new.kind);
COMMIT;

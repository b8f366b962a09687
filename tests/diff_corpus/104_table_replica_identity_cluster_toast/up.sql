BEGIN;
CREATE TABLE "public"."feed" (
  "id" bigint NOT NULL,
  "at" timestamp with time zone NOT NULL
);
CREATE INDEX feed_at_idx ON public.feed USING btree (at);
CREATE UNIQUE INDEX feed_id_key ON public.feed USING btree (id);
ALTER TABLE "public"."feed" REPLICA IDENTITY USING INDEX "feed_id_key";
ALTER TABLE "public"."feed" CLUSTER ON "feed_at_idx";
ALTER TABLE "public"."events" SET (fillfactor=90);
ALTER TABLE "public"."audit" RESET (toast.autovacuum_enabled);
ALTER TABLE "public"."audit" REPLICA IDENTITY NOTHING;
ALTER TABLE "public"."audit" SET WITHOUT CLUSTER;
ALTER TABLE "public"."events" SET (toast.autovacuum_vacuum_scale_factor=0.05);
ALTER TABLE "public"."events" REPLICA IDENTITY USING INDEX "events_id_key";
ALTER TABLE "public"."events" CLUSTER ON "events_kind_idx";
COMMIT;

BEGIN;
ALTER TABLE "public"."event" DROP CONSTRAINT "event_pkey";
ALTER TABLE "public"."event" ADD CONSTRAINT "event_pkey" PRIMARY KEY (id) WITH (fillfactor='80');
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."event_created_brin";
DROP INDEX CONCURRENTLY "public"."event_kind_created_idx";
DROP INDEX CONCURRENTLY "public"."event_kind_idx";
DROP INDEX CONCURRENTLY "public"."event_payload_gin";
CREATE INDEX CONCURRENTLY event_created_brin ON public.event USING brin (created_at) WITH (pages_per_range='64');
COMMENT ON INDEX "public"."event_created_brin" IS 'time range scans';
CREATE INDEX CONCURRENTLY event_kind_created_idx ON public.event USING btree (kind, created_at);
CREATE INDEX CONCURRENTLY event_kind_idx ON public.event USING btree (kind) WITH (fillfactor='90');
COMMENT ON INDEX "public"."event_kind_idx" IS 'lookup by kind (hot path)';
CREATE INDEX CONCURRENTLY event_payload_gin ON public.event USING gin (payload) WITH (fastupdate=off);

-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."event_payload_gin";
DROP INDEX CONCURRENTLY "public"."event_kind_idx";
DROP INDEX CONCURRENTLY "public"."event_kind_created_idx";
DROP INDEX CONCURRENTLY "public"."event_created_brin";
CREATE INDEX CONCURRENTLY event_payload_gin ON public.event USING gin (payload);
CREATE INDEX CONCURRENTLY event_kind_idx ON public.event USING btree (kind);
COMMENT ON INDEX "public"."event_kind_idx" IS 'lookup by kind';
CREATE INDEX CONCURRENTLY event_kind_created_idx ON public.event USING btree (kind, created_at) WITH (fillfactor='70');
CREATE INDEX CONCURRENTLY event_created_brin ON public.event USING brin (created_at) WITH (pages_per_range='32');
BEGIN;
ALTER TABLE "public"."event" DROP CONSTRAINT "event_pkey";
ALTER TABLE "public"."event" ADD CONSTRAINT "event_pkey" PRIMARY KEY (id);
COMMIT;

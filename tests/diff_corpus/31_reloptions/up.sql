BEGIN;
CREATE TABLE "public"."t_new" (
  "id" integer NOT NULL,
  "v" text,
  CONSTRAINT "t_new_pkey" PRIMARY KEY (id)
) WITH (autovacuum_enabled=off, toast_tuple_target=256);
ALTER TABLE "public"."t_add" SET (autovacuum_enabled=false, fillfactor=70);
ALTER TABLE "public"."t_change" SET (autovacuum_vacuum_scale_factor=0.05, fillfactor=90);
ALTER TABLE "public"."t_remove" RESET (autovacuum_enabled);
COMMIT;

BEGIN;
ALTER TABLE "public"."t_remove" SET (autovacuum_enabled=false);
ALTER TABLE "public"."t_change" SET (autovacuum_vacuum_scale_factor=0.2, fillfactor=80);
ALTER TABLE "public"."t_add" RESET (autovacuum_enabled, fillfactor);
DROP TABLE "public"."t_new";
COMMIT;

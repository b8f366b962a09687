BEGIN;
ALTER TABLE "public"."maintenance" DROP CONSTRAINT "maintenance_window_excl";
ALTER TABLE "public"."booking" DROP CONSTRAINT "booking_no_overlap";
DROP EXTENSION "btree_gist";
COMMIT;

BEGIN;
CREATE EXTENSION "btree_gist" WITH SCHEMA "public" VERSION '1.7';
ALTER TABLE "public"."booking" ADD CONSTRAINT "booking_no_overlap" EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT cancelled));
ALTER TABLE "public"."maintenance" ADD CONSTRAINT "maintenance_window_excl" EXCLUDE USING gist (window_ WITH &&) DEFERRABLE;
COMMIT;

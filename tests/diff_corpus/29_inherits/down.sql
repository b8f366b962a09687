BEGIN;
ALTER TABLE "public"."car" NO INHERIT "public"."vehicle";
ALTER TABLE "public"."bike" INHERIT "public"."vehicle";
DROP TABLE "public"."truck";
DROP TABLE "public"."taxi";
DROP TABLE "public"."registered";
COMMIT;

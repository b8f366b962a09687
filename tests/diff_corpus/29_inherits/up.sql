BEGIN;
CREATE TABLE "public"."registered" (
  "plate" text
);
CREATE TABLE "public"."taxi" (
  "licence" text
) INHERITS ("public"."vehicle", "public"."registered");
CREATE TABLE "public"."truck" (
  "payload_kg" integer NOT NULL
) INHERITS ("public"."vehicle");
ALTER TABLE "public"."bike" NO INHERIT "public"."vehicle";
ALTER TABLE "public"."car" INHERIT "public"."vehicle";
COMMIT;

BEGIN;
CREATE TABLE "public"."labels" (
  "id" integer NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 SEQUENCE NAME "public"."label.ids"),
  CONSTRAINT "labels_pkey" PRIMARY KEY (id)
);
ALTER SEQUENCE "public"."odd seq" RENAME TO "Odd Table_id_seq";
ALTER TABLE "public"."notes" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY (START WITH 5 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 SEQUENCE NAME "public"."note ids");
SELECT setval(pg_get_serial_sequence('"public"."notes"', 'id'), greatest(coalesce(max("id"), 0) + 1, '5'::bigint), false) FROM "public"."notes";
ALTER SEQUENCE "public"."tickets_id_seq" RENAME TO "ticket_numbers";
COMMIT;

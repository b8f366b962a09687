BEGIN;
ALTER SEQUENCE "public"."ticket_numbers" RENAME TO "tickets_id_seq";
ALTER TABLE "public"."notes" ALTER COLUMN "id" DROP IDENTITY;
ALTER SEQUENCE "public"."Odd Table_id_seq" RENAME TO "odd seq";
DROP TABLE "public"."labels";
COMMIT;

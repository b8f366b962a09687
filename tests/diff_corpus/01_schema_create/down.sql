BEGIN;
ALTER TABLE "billing"."invoice" DROP CONSTRAINT "invoice_note_id_fkey";
DROP TABLE "billing"."invoice";
DROP SCHEMA "empty_ns";
DROP SCHEMA "billing";
COMMIT;

BEGIN;
CREATE SCHEMA "billing";
COMMENT ON SCHEMA "billing" IS 'Invoices and payments';
CREATE SCHEMA "empty_ns";
CREATE TABLE "billing"."invoice" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1),
  "note_id" integer,
  "amount" numeric(12,2) DEFAULT 0 NOT NULL,
  CONSTRAINT "invoice_pkey" PRIMARY KEY (id)
);
ALTER TABLE "billing"."invoice" ADD CONSTRAINT "invoice_note_id_fkey" FOREIGN KEY (note_id) REFERENCES public.note(id);
COMMIT;

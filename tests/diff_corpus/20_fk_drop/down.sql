BEGIN;
ALTER TABLE "public"."invoice" ADD CONSTRAINT "invoice_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES public.invoice(id) DEFERRABLE;
ALTER TABLE "public"."invoice" ADD CONSTRAINT "invoice_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES public.customer(id);
COMMIT;

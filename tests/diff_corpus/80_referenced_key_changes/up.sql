BEGIN;
ALTER TABLE "public"."invoice" DROP CONSTRAINT "invoice_account_fkey";
ALTER TABLE "public"."line" DROP CONSTRAINT "line_code_fkey";
ALTER TABLE "public"."store" DROP CONSTRAINT "store_region_fkey";
ALTER TABLE "public"."account" DROP CONSTRAINT "account_pkey";
ALTER TABLE "public"."product" DROP CONSTRAINT "product_code_key";
DROP INDEX "public"."region_id";
ALTER TABLE "public"."account" ADD CONSTRAINT "account_pk" PRIMARY KEY (id);
ALTER TABLE "public"."product" ADD CONSTRAINT "product_code_key" UNIQUE NULLS NOT DISTINCT (code);
CREATE UNIQUE INDEX region_id ON public.region USING btree (id) INCLUDE (name);
ALTER TABLE "public"."invoice" ADD CONSTRAINT "invoice_account_fkey" FOREIGN KEY (account) REFERENCES public.account(id) NOT VALID;
ALTER TABLE "public"."line" ADD CONSTRAINT "line_code_fkey" FOREIGN KEY (code) REFERENCES public.product(code) NOT VALID;
ALTER TABLE "public"."store" ADD CONSTRAINT "store_region_fkey" FOREIGN KEY (region) REFERENCES public.region(id) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."invoice" VALIDATE CONSTRAINT "invoice_account_fkey";
ALTER TABLE "public"."line" VALIDATE CONSTRAINT "line_code_fkey";
ALTER TABLE "public"."store" VALIDATE CONSTRAINT "store_region_fkey";

BEGIN;
ALTER TABLE "public"."c" ADD COLUMN "fresh" text;
CREATE UNIQUE INDEX p_ba_idx ON public.p USING btree (b, a);
CREATE UNIQUE INDEX p_code_idx ON public.p USING btree (code);
ALTER TABLE "public"."c" ADD CONSTRAINT "c_a_b_fkey" FOREIGN KEY (a, b) REFERENCES public.p(a, b) NOT VALID;
ALTER TABLE "public"."c" ADD CONSTRAINT "c_code_fkey" FOREIGN KEY (code) REFERENCES public.p(code) NOT VALID;
ALTER TABLE "public"."c" ADD CONSTRAINT "c_fresh_fkey" FOREIGN KEY (fresh) REFERENCES public.p(code) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_a_b_fkey";
ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_code_fkey";
ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_fresh_fkey";

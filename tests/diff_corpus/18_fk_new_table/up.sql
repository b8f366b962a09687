BEGIN;
CREATE TABLE "public"."category" (
  "id" integer NOT NULL,
  "parent_id" integer,
  "name" text NOT NULL,
  CONSTRAINT "category_pkey" PRIMARY KEY (id)
);
CREATE TABLE "public"."product_category" (
  "product_id" integer NOT NULL,
  "category_id" integer NOT NULL,
  CONSTRAINT "product_category_pkey" PRIMARY KEY (product_id, category_id)
);
ALTER TABLE "public"."product" ADD COLUMN "alt_category_id" integer;
ALTER TABLE "public"."category" ADD CONSTRAINT "category_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES public.category(id);
ALTER TABLE "public"."product_category" ADD CONSTRAINT "product_category_category_id_fkey" FOREIGN KEY (category_id) REFERENCES public.category(id) ON DELETE CASCADE;
ALTER TABLE "public"."product_category" ADD CONSTRAINT "product_category_product_id_fkey" FOREIGN KEY (product_id) REFERENCES public.product(id) ON DELETE CASCADE;
ALTER TABLE "public"."product" ADD CONSTRAINT "product_alt_category_id_fkey" FOREIGN KEY (alt_category_id) REFERENCES public.category(id) NOT VALID;
ALTER TABLE "public"."product" ADD CONSTRAINT "product_category_id_fkey" FOREIGN KEY (category_id) REFERENCES public.category(id) ON DELETE SET NULL NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."product" VALIDATE CONSTRAINT "product_alt_category_id_fkey";
ALTER TABLE "public"."product" VALIDATE CONSTRAINT "product_category_id_fkey";

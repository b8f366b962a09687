BEGIN;
ALTER TABLE "public"."author" DROP CONSTRAINT "author_tenant_id_fkey";
ALTER TABLE "public"."post" DROP CONSTRAINT "post_author_fk";
ALTER TABLE "public"."post" DROP CONSTRAINT "post_tenant_fk";
ALTER TABLE "public"."author" ADD CONSTRAINT "author_tenant_id_fkey" FOREIGN KEY (tenant_id) REFERENCES public.tenant(id) ON DELETE CASCADE NOT VALID;
ALTER TABLE "public"."post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY (tenant_id, author_id) REFERENCES public.author(tenant_id, id) ON UPDATE CASCADE ON DELETE SET NULL (author_id) NOT VALID;
ALTER TABLE "public"."post" ADD CONSTRAINT "post_tenant_fk" FOREIGN KEY (tenant_id) REFERENCES public.tenant(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;
ALTER TABLE "public"."post" ADD CONSTRAINT "post_editor_fk" FOREIGN KEY (tenant_id, editor_id) REFERENCES public.author(tenant_id, id) DEFERRABLE NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."author" VALIDATE CONSTRAINT "author_tenant_id_fkey";
ALTER TABLE "public"."post" VALIDATE CONSTRAINT "post_author_fk";
ALTER TABLE "public"."post" VALIDATE CONSTRAINT "post_tenant_fk";
ALTER TABLE "public"."post" VALIDATE CONSTRAINT "post_editor_fk";

BEGIN;
ALTER TABLE "public"."post" DROP CONSTRAINT "post_editor_fk";
ALTER TABLE "public"."post" DROP CONSTRAINT "post_tenant_fk";
ALTER TABLE "public"."post" DROP CONSTRAINT "post_author_fk";
ALTER TABLE "public"."author" DROP CONSTRAINT "author_tenant_id_fkey";
ALTER TABLE "public"."post" ADD CONSTRAINT "post_tenant_fk" FOREIGN KEY (tenant_id) REFERENCES public.tenant(id);
ALTER TABLE "public"."post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY (tenant_id, author_id) REFERENCES public.author(tenant_id, id);
ALTER TABLE "public"."author" ADD CONSTRAINT "author_tenant_id_fkey" FOREIGN KEY (tenant_id) REFERENCES public.tenant(id);
COMMIT;

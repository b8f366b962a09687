-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."users_org_name_key";
DROP INDEX CONCURRENTLY "public"."users_org_incl_idx";
DROP INDEX CONCURRENTLY "public"."users_name_hash_idx";
DROP INDEX CONCURRENTLY "public"."users_email_lower_key";
DROP INDEX CONCURRENTLY "public"."users_active_org_idx";
DROP INDEX CONCURRENTLY "public"."users_org_idx";
CREATE INDEX CONCURRENTLY users_org_idx ON public.users USING btree (org_id);
CREATE INDEX CONCURRENTLY users_name_idx ON public.users USING btree (name);

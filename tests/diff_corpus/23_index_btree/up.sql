-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."users_name_idx";
DROP INDEX CONCURRENTLY "public"."users_org_idx";
CREATE INDEX CONCURRENTLY users_org_idx ON public.users USING btree (org_id, created_at DESC NULLS LAST);
CREATE INDEX CONCURRENTLY users_active_org_idx ON public.users USING btree (org_id) WHERE (deleted_at IS NULL);
CREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON public.users USING btree (lower(email));
CREATE INDEX CONCURRENTLY users_name_hash_idx ON public.users USING hash (name);
CREATE INDEX CONCURRENTLY users_org_incl_idx ON public.users USING btree (org_id) INCLUDE (name, email);
CREATE UNIQUE INDEX CONCURRENTLY users_org_name_key ON public.users USING btree (org_id, name) NULLS NOT DISTINCT;

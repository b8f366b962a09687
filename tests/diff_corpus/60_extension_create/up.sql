BEGIN;
CREATE SCHEMA "ext";
CREATE EXTENSION "citext" WITH SCHEMA "public" VERSION '1.6';
CREATE EXTENSION "hstore" WITH SCHEMA "public" VERSION '1.8';
CREATE EXTENSION "ltree" WITH SCHEMA "ext" VERSION '1.2';
ALTER TABLE "public"."member" ALTER COLUMN "email" TYPE public.citext USING "email"::public.citext;
ALTER TABLE "public"."member" ADD COLUMN "prefs" public.hstore;
ALTER TABLE "public"."member" ADD COLUMN "path" ext.ltree;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
CREATE UNIQUE INDEX CONCURRENTLY member_email_key ON public.member USING btree (email);
CREATE INDEX CONCURRENTLY member_path_idx ON public.member USING gist (path);

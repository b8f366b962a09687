BEGIN;
CREATE EXTENSION "pg_trgm" WITH SCHEMA "public" VERSION '1.6';
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."article_meta_idx";
CREATE INDEX CONCURRENTLY article_meta_idx ON public.article USING gin (meta jsonb_path_ops);
CREATE INDEX CONCURRENTLY article_body_trgm_gist_idx ON public.article USING gist (body public.gist_trgm_ops);
CREATE INDEX CONCURRENTLY article_fts_idx ON public.article USING gin (to_tsvector('english'::regconfig, COALESCE(body, ''::text)));
CREATE INDEX CONCURRENTLY article_title_trgm_idx ON public.article USING gin (title public.gin_trgm_ops);

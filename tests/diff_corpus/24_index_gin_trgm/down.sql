-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
DROP INDEX CONCURRENTLY "public"."article_title_trgm_idx";
DROP INDEX CONCURRENTLY "public"."article_fts_idx";
DROP INDEX CONCURRENTLY "public"."article_body_trgm_gist_idx";
DROP INDEX CONCURRENTLY "public"."article_meta_idx";
CREATE INDEX CONCURRENTLY article_meta_idx ON public.article USING gin (meta);
BEGIN;
DROP EXTENSION "pg_trgm";
COMMIT;

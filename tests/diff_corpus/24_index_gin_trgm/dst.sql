CREATE EXTENSION pg_trgm;
CREATE TABLE article (
    id    integer PRIMARY KEY,
    title text NOT NULL,
    body  text,
    meta  jsonb
);
CREATE INDEX article_meta_idx ON article USING gin (meta jsonb_path_ops);                      -- opclass changed
CREATE INDEX article_title_trgm_idx ON article USING gin (title gin_trgm_ops);                 -- extension opclass
CREATE INDEX article_body_trgm_gist_idx ON article USING gist (body gist_trgm_ops(siglen=32)); -- opclass parameter
CREATE INDEX article_fts_idx ON article USING gin (to_tsvector('english'::regconfig, coalesce(body, '')));

CREATE TABLE article (
    id    integer PRIMARY KEY,
    title text NOT NULL,
    body  text,
    meta  jsonb
);
CREATE INDEX article_meta_idx ON article USING gin (meta);
INSERT INTO article VALUES (1, 'Hello world', 'first post', '{"lang":"en"}');

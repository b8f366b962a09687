CREATE TABLE documents (
  id bigint PRIMARY KEY,
  body text,
  payload bytea,
  tags text[],
  score numeric
);
ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE documents ALTER COLUMN payload SET COMPRESSION pglz;
ALTER TABLE documents ALTER COLUMN tags SET STATISTICS 500;
ALTER TABLE documents ALTER COLUMN score SET (n_distinct = 100);
ALTER TABLE documents ALTER COLUMN id SET STORAGE PLAIN;
CREATE TABLE archive (
  id bigint PRIMARY KEY,
  body text COMPRESSION pglz
);
ALTER TABLE archive ALTER COLUMN body SET STORAGE MAIN;
ALTER TABLE archive ALTER COLUMN body SET STATISTICS 50;
ALTER TABLE archive ALTER COLUMN id SET (n_distinct = -0.5, n_distinct_inherited = 10);

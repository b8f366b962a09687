CREATE TABLE documents (
  id bigint PRIMARY KEY,
  body text,
  payload bytea,
  tags text[],
  score numeric
);

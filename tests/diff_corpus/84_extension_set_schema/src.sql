-- An extension moves to another schema (ALTER EXTENSION SET SCHEMA): its
-- types keep their identity, so columns of them are not retyped.
CREATE EXTENSION citext;
CREATE SCHEMA ext;
CREATE TABLE member (email citext, aliases citext[]);
CREATE INDEX member_email_idx ON member (email);
INSERT INTO member VALUES ('A@example.com', ARRAY['a@x'::citext]);

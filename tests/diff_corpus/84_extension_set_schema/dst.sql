CREATE SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;
CREATE TABLE member (email ext.citext, aliases ext.citext[]);
CREATE INDEX member_email_idx ON member (email);

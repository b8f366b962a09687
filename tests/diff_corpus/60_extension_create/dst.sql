CREATE EXTENSION citext;
CREATE EXTENSION hstore;
CREATE SCHEMA ext;
CREATE EXTENSION ltree SCHEMA ext;
CREATE TABLE member (
    id    integer PRIMARY KEY,
    email citext NOT NULL,            -- text -> citext (type from an extension created in the same change)
    prefs hstore,
    path  ext.ltree
);
CREATE UNIQUE INDEX member_email_key ON member (email);
CREATE INDEX member_path_idx ON member USING gist (path);

CREATE TABLE secret (
    id     integer PRIMARY KEY,
    owner  name NOT NULL,
    public boolean NOT NULL DEFAULT false,
    value  text
);
CREATE VIEW public_secret AS SELECT id, value FROM secret WHERE public;
CREATE VIEW my_secret WITH (security_barrier) AS SELECT id, value FROM secret WHERE owner = current_user;
CREATE VIEW writable_secret AS SELECT id, owner, public, value FROM secret WHERE public
    WITH LOCAL CHECK OPTION;

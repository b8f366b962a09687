CREATE TABLE secret (
    id     integer PRIMARY KEY,
    owner  name NOT NULL,
    public boolean NOT NULL DEFAULT false,
    value  text
);
-- options added
CREATE VIEW public_secret WITH (security_barrier = true, security_invoker = true) AS
    SELECT id, value FROM secret WHERE public;
-- option removed, another added
CREATE VIEW my_secret WITH (check_option = cascaded) AS SELECT id, value FROM secret WHERE owner = current_user;
-- LOCAL -> CASCADED
CREATE VIEW writable_secret AS SELECT id, owner, public, value FROM secret WHERE public
    WITH CASCADED CHECK OPTION;

CREATE TABLE document (
    id        integer PRIMARY KEY,
    owner     name NOT NULL DEFAULT current_user,
    published boolean NOT NULL DEFAULT false,
    locked    boolean NOT NULL DEFAULT false,
    body      text
);
CREATE TABLE tenant_note (
    id        integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    note      text
);
INSERT INTO document (id, body) VALUES (1, 'draft');
INSERT INTO tenant_note VALUES (1, 1, 'n');

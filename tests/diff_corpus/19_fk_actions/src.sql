CREATE TABLE tenant (
    id integer PRIMARY KEY
);
CREATE TABLE author (
    tenant_id integer NOT NULL REFERENCES tenant (id),
    id        integer NOT NULL,
    name      text,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE post (
    id        integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    author_id integer,
    editor_id integer,
    CONSTRAINT post_author_fk FOREIGN KEY (tenant_id, author_id) REFERENCES author (tenant_id, id),
    CONSTRAINT post_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
INSERT INTO tenant VALUES (1);
INSERT INTO author VALUES (1, 1, 'x'), (1, 2, 'y');
INSERT INTO post VALUES (1, 1, 1, 2), (2, 1, 2, NULL);

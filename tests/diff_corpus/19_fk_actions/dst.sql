CREATE TABLE tenant (
    id integer PRIMARY KEY
);
CREATE TABLE author (
    tenant_id integer NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,   -- action changed
    id        integer NOT NULL,
    name      text,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE post (
    id        integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    author_id integer,
    editor_id integer,
    -- PG15: SET NULL on a subset of the FK columns
    CONSTRAINT post_author_fk FOREIGN KEY (tenant_id, author_id) REFERENCES author (tenant_id, id)
        ON DELETE SET NULL (author_id) ON UPDATE CASCADE,
    CONSTRAINT post_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenant (id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT post_editor_fk FOREIGN KEY (tenant_id, editor_id) REFERENCES author (tenant_id, id)
        ON DELETE NO ACTION DEFERRABLE INITIALLY IMMEDIATE
);

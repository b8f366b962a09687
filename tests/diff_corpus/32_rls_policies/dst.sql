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

ALTER TABLE document ENABLE ROW LEVEL SECURITY;
ALTER TABLE document FORCE ROW LEVEL SECURITY;
CREATE POLICY document_read ON document AS PERMISSIVE FOR SELECT TO PUBLIC
    USING (published OR owner = current_user);
CREATE POLICY document_insert ON document FOR INSERT TO PUBLIC
    WITH CHECK (owner = current_user);
CREATE POLICY document_update ON document FOR UPDATE
    USING (owner = current_user) WITH CHECK (owner = current_user AND NOT locked);
CREATE POLICY document_delete ON document FOR DELETE TO postgres
    USING (NOT locked);
CREATE POLICY document_not_locked ON document AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (NOT locked OR owner = current_user) WITH CHECK (body IS NOT NULL);

ALTER TABLE tenant_note ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_note
    USING (tenant_id = current_setting('app.tenant_id', true)::integer);

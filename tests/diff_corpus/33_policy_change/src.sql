CREATE TABLE ticket (
    id        integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    assignee  name,
    status    text NOT NULL DEFAULT 'open'
);
CREATE TABLE audit (
    id  integer PRIMARY KEY,
    msg text
);
ALTER TABLE ticket ENABLE ROW LEVEL SECURITY;
CREATE POLICY ticket_tenant ON ticket USING (tenant_id = current_setting('app.tenant_id')::integer);
CREATE POLICY ticket_assignee ON ticket FOR UPDATE TO PUBLIC USING (assignee = current_user);
CREATE POLICY ticket_closed ON ticket AS RESTRICTIVE FOR DELETE USING (status = 'closed');
CREATE POLICY ticket_legacy ON ticket FOR SELECT USING (true);
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON audit FOR SELECT USING (true);

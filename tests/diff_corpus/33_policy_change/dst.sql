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
ALTER TABLE ticket FORCE ROW LEVEL SECURITY;                                                    -- forced now
CREATE POLICY ticket_tenant ON ticket USING (tenant_id = current_setting('app.tenant_id', true)::integer)
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)::integer);                   -- USING changed, CHECK added
CREATE POLICY ticket_assignee ON ticket FOR UPDATE TO postgres USING (assignee = current_user); -- roles changed
CREATE POLICY ticket_closed ON ticket AS PERMISSIVE FOR DELETE USING (status = 'closed');       -- restrictive -> permissive (drop+create)
COMMENT ON POLICY ticket_closed ON ticket IS 'only closed tickets may be deleted';
-- ticket_legacy dropped
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;                                                    -- NO FORCE now
CREATE POLICY audit_read ON audit FOR ALL USING (true);                                         -- command changed (drop+create)

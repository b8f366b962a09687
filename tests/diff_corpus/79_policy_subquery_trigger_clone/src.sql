-- A policy on one table reading a column of another table through a
-- subquery, when that column is retyped (recreated around it), and a
-- partition disabling its clone of the parent's trigger.
CREATE TABLE grp (gid int, member text);
CREATE TABLE doc (id int, gid int);
ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_read ON doc USING (gid IN (SELECT g.gid FROM grp g WHERE g.member = current_user));
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE p (id int, d date) PARTITION BY RANGE (d);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TRIGGER t1 BEFORE INSERT ON p FOR EACH ROW EXECUTE FUNCTION trg();

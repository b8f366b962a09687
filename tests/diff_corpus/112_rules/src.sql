CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL);
CREATE TABLE events_log (id integer, kind text);
CREATE RULE events_no_delete AS ON DELETE TO events DO INSTEAD NOTHING;
CREATE RULE events_copy AS ON INSERT TO events DO ALSO INSERT INTO events_log VALUES (NEW.id, NEW.kind);
CREATE VIEW event_kinds AS SELECT id, kind FROM events;

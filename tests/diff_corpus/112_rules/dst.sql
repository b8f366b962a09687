CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL);
CREATE TABLE events_log (id integer, kind text);
CREATE RULE events_copy AS ON INSERT TO events DO ALSO INSERT INTO events_log VALUES (NEW.id, upper(NEW.kind));
ALTER TABLE events DISABLE RULE events_copy;
CREATE RULE events_no_update AS ON UPDATE TO events DO INSTEAD NOTHING;
COMMENT ON RULE events_no_update ON events IS 'append only';
CREATE VIEW event_kinds AS SELECT id, kind FROM events;
CREATE RULE event_kinds_insert AS ON INSERT TO event_kinds DO INSTEAD INSERT INTO events VALUES (NEW.id, NEW.kind);

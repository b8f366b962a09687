CREATE TABLE t_add (id integer PRIMARY KEY, v text);
CREATE TABLE t_change (id integer PRIMARY KEY, v text) WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.2);
CREATE TABLE t_remove (id integer PRIMARY KEY, v text) WITH (autovacuum_enabled = false, fillfactor = 50);

CREATE TABLE t_add (id integer PRIMARY KEY, v text) WITH (fillfactor = 70, autovacuum_enabled = false);
CREATE TABLE t_change (id integer PRIMARY KEY, v text) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.05);
CREATE TABLE t_remove (id integer PRIMARY KEY, v text) WITH (fillfactor = 50);
CREATE TABLE t_new (id integer PRIMARY KEY, v text) WITH (autovacuum_enabled = off, toast_tuple_target = 256);

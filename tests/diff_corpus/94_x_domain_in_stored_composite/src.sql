-- A domain gains NOT NULL and a CHECK while a stored composite holds it:
-- PostgreSQL cannot check them there; keel must refuse.
CREATE DOMAIN d AS int;
CREATE TYPE c AS (x d);
CREATE TABLE t (v c);
INSERT INTO t VALUES (ROW(3));

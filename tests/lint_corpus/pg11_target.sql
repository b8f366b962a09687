-- keel:no-transaction
-- Linted for PostgreSQL 11 (the file name says pg11)
-- expect: needs-newer-server
REINDEX INDEX CONCURRENTLY users_email_idx;
-- expect: needs-newer-server
ALTER TABLE measurements DETACH PARTITION measurements_2020_01 CONCURRENTLY;
CREATE INDEX CONCURRENTLY users_email_idx2 ON users (email) INCLUDE (name);

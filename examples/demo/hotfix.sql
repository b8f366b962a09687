-- keel demo: a hotfix applied by hand in prod, outside any migration.
DROP INDEX orders_user_id_idx;
ALTER TABLE users ADD COLUMN phone TEXT;

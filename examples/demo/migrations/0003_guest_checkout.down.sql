-- Orders placed by the guest would be left pointing at nobody: keel's
-- integrity check (orders.user_id -> users.id) refuses to commit then.
DELETE FROM users WHERE id = 0;

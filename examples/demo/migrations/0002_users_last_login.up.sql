-- keel:lock-timeout 2s
-- keel demo: when each user last signed in (nullable: old application versions keep working).
ALTER TABLE users ADD COLUMN last_login_at TEXT;
CREATE INDEX users_last_login_idx ON users (last_login_at);

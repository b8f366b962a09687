#!/usr/bin/env python3
"""Writes N PostgreSQL migration statements (a realistic mix) to stdout.

usage: gen_statements.py N
Deterministic: the same N gives the same file.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
rng = random.Random(4)
tables = ["users"]
out = []


# Most statements change the 50 tables that exist before the migration; some
# change tables the file itself creates (not lock hazards).
existing = [f"app_table_{k}" for k in range(50)]


def table():
    return rng.choice(tables) if rng.random() < 0.3 else rng.choice(existing)


kinds = [
    (6, lambda i: (tables.append(f"t{i}"),
                   f"CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                   f"name text NOT NULL, email varchar(200), org_id bigint, created_at timestamptz "
                   f"NOT NULL DEFAULT now(), payload jsonb)")[1]),
    (8, lambda i: f"CREATE INDEX CONCURRENTLY {table()}_email_{i} ON {table()} (email)"),
    (5, lambda i: f"CREATE INDEX {table()}_name_{i} ON {table()} (lower(name))"),
    (8, lambda i: f"ALTER TABLE {table()} ADD COLUMN c{i} integer NOT NULL DEFAULT 0"),
    (3, lambda i: f"ALTER TABLE {table()} ADD COLUMN u{i} uuid DEFAULT gen_random_uuid()"),
    (5, lambda i: f"ALTER TABLE {table()} ADD CONSTRAINT fk{i} FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID"),
    (5, lambda i: f"ALTER TABLE {table()} VALIDATE CONSTRAINT fk{i - 1}"),
    (2, lambda i: f"ALTER TABLE {table()} ADD CONSTRAINT ck{i} CHECK (char_length(name) < 500)"),
    (3, lambda i: f"ALTER TABLE {table()} ALTER COLUMN email SET NOT NULL"),
    (2, lambda i: f"ALTER TABLE {table()} ALTER COLUMN org_id TYPE bigint"),
    (4, lambda i: f"ALTER TABLE {table()} ALTER COLUMN name SET DEFAULT 'x'"),
    (2, lambda i: f"ALTER TABLE {table()} RENAME COLUMN payload TO data{i}"),
    (2, lambda i: f"ALTER TABLE {table()} DROP COLUMN IF EXISTS c{i - 7}"),
    (6, lambda i: f"UPDATE {table()} SET name = trim(name) WHERE id BETWEEN {i * 1000} AND {i * 1000 + 999}"),
    (1, lambda i: f"UPDATE {table()} SET payload = '{{}}'::jsonb"),
    (6, lambda i: f"INSERT INTO settings (key, value) VALUES ('k{i}', 'v{i}') ON CONFLICT (key) DO NOTHING"),
    (5, lambda i: f"COMMENT ON COLUMN {table()}.email IS 'contact address {i}'"),
    (2, lambda i: f"DROP INDEX CONCURRENTLY IF EXISTS {table()}_email_{i - 3}"),
    (2, lambda i: f"CREATE OR REPLACE VIEW v{i} AS SELECT id, name FROM {table()} WHERE created_at > now() - interval '7 days'"),
    (2, lambda i: f"CREATE OR REPLACE FUNCTION f{i}(a int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN a + {i}; END $$"),
    (1, lambda i: f"ALTER TABLE {table()} ADD CONSTRAINT uq{i} UNIQUE (email)"),
    (1, lambda i: f"DELETE FROM {table()} WHERE created_at < now() - interval '1 year'"),
]
weights = [w for w, _ in kinds]
makers = [m for _, m in kinds]
for i in range(n):
    out.append(rng.choices(makers, weights)[0](i) + ";")
sys.stdout.write("\n".join(out) + "\n")

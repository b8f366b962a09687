#!/usr/bin/env python3
"""The schema changes bench/diff applies to a copy of a gen_big_schema.py database.

  make_changes.py changes N    the DDL turning the `src` schema into `dst`
  make_changes.py rows N K     K rows for each of the N tables (data that every
                               old and new CHECK accepts), loaded into src first

N is the table count given to gen_big_schema.py (at least 200). The output is
deterministic and needs nothing but the generator's tables t00001..tN:

  200 added columns   ALTER TABLE ... ADD COLUMN extra_<k>: on 160 tables, 40 of
                      them get a second one of another type; 10 types in turn:
                      nullable, DEFAULT, NOT NULL DEFAULT (constants, and one
                      now(), volatile: a table rewrite on PostgreSQL 15).
  100 added indexes   CREATE INDEX <table>_<what>_bidx on the generator's own
                      columns of 100 other tables: single, multi-column, DESC,
                      partial, expression.
  40 changed CHECKs   DROP CONSTRAINT + ADD CONSTRAINT with the same name and a
                      different expression, 10 each of the generator's four
                      CHECKs (<t>_name_check, <t>_amount_check, <t>_qty_check,
                      <t>_email_chk), on 40 further tables.

The three groups touch disjoint tables (see `tables()`).
"""
import sys

COLUMNS, INDEXES, CHECKS = 200, 100, 40

# (type and default clause) for added column k, by k % 10.
COLUMN_TYPES = [
    "text",
    "integer DEFAULT 0",
    "bigint NOT NULL DEFAULT 0",
    "boolean NOT NULL DEFAULT false",
    "numeric(10,2) DEFAULT 1.50",
    "timestamptz",
    "date NOT NULL DEFAULT '2024-01-01'",
    "varchar(40) DEFAULT 'none'",
    "jsonb NOT NULL DEFAULT '{}'::jsonb",
    "timestamptz NOT NULL DEFAULT now()",
]

# (name suffix, index body after "ON <table>") for added index j, by j % 6.
INDEX_KINDS = [
    ("name", "(name)"),
    ("amount", "(amount)"),
    ("qty_created", "(qty, created_at DESC)"),
    ("name_amount", "(name, amount)"),
    ("active_qty", "(qty) WHERE active"),
    ("lower_email", "(lower((email)::text))"),
]

# (constraint suffix, new expression) for changed CHECK c, by c % 4. Each is
# satisfied by the rows `rows` writes (and by the generator's empty tables).
CHECK_CHANGES = [
    ("name_check", "length(name) BETWEEN 1 AND 200"),
    ("amount_check", "amount >= 0 AND amount < 1000000000"),
    ("qty_check", "qty BETWEEN 0 AND 2000000"),
    ("email_chk", "email IS NULL OR email LIKE '%_@_%'"),
]


def table(i):
    return f"t{i:05d}"


def tables(n):
    """Table numbers for the column, index and CHECK groups, spread over 1..n
    and disjoint: columns on 160 tables spread over the first half, indexes and
    CHECKs on 140 tables spread over the second half."""
    half = n // 2
    col_step = max(1, half // 160)
    col_tables = [1 + k * col_step for k in range(160)]
    idx_step = max(1, (n - half) // (INDEXES + CHECKS))
    rest = [half + 1 + j * idx_step for j in range(INDEXES + CHECKS)]
    return col_tables, rest[:INDEXES], rest[INDEXES:]


def changes(n):
    col_tables, idx_tables, chk_tables = tables(n)
    out = ["SET client_min_messages = warning;"]
    for k in range(COLUMNS):
        t = table(col_tables[k % len(col_tables)])   # k >= 160: a second column on the first 40
        kind = (k + 3 * (k >= len(col_tables))) % len(COLUMN_TYPES)   # a second column: another type
        out.append(f"ALTER TABLE {t} ADD COLUMN extra_{k:03d} {COLUMN_TYPES[kind]};")
    for j in range(INDEXES):
        t = table(idx_tables[j])
        suffix, body = INDEX_KINDS[j % len(INDEX_KINDS)]
        out.append(f"CREATE INDEX {t}_{suffix}_bidx ON {t} {body};")
    for c in range(CHECKS):
        t = table(chk_tables[c])
        suffix, expr = CHECK_CHANGES[c % len(CHECK_CHANGES)]
        name = f"{t}_{suffix}"
        out.append(f"ALTER TABLE {t} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} CHECK ({expr});")
    return out


def rows(n, k):
    out = ["SET client_min_messages = warning;"]
    for i in range(1, n + 1):
        if (i - 1) % 250 == 0:   # batches, like the generator's (lock table limits)
            out.append("BEGIN;")
        out.append(
            f"INSERT INTO {table(i)} (name, email, amount, qty, payload) "
            f"SELECT 'row ' || g, 'user' || g || '@example.com', g * 1.25, g, jsonb_build_object('g', g) "
            f"FROM generate_series(1, {k}) g;")
        if i % 250 == 0 or i == n:
            out.append("COMMIT;")
    return out


def main(argv):
    if len(argv) < 3 or argv[1] not in ("changes", "rows") or (argv[1] == "rows") != (len(argv) == 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    n = int(argv[2])
    if n < 200:
        print("make_changes.py: N must be at least 200", file=sys.stderr)
        return 2
    lines = changes(n) if argv[1] == "changes" else rows(n, int(argv[3]))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

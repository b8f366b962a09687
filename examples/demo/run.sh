#!/usr/bin/env bash
# keel demo: the whole pipeline on three SQLite environments — baselines,
# a dry run, migrations promoted dev -> staging -> prod, parity verified and
# locked, a drift caught, a rollback refused by an integrity check and a
# clean rollback that restores the recorded schema hash.
#
#   examples/demo/run.sh KEEL_BINARY      (what `make demo` runs)
#
# Builds dev, staging and prod from schema.sql in examples/demo/.work and
# captures a baseline of each; plans and applies examples/demo/migrations to
# dev, then staging, then prod; verifies all three LOCKED; catches a
# hand-made hotfix in prod (drift and verify both exit 3); catches an edited
# migration file; has a rollback aborted because it would orphan an order,
# then rolls back cleanly. Then examples/demo/expand.sh: an expand/contract
# change (rename + type change) under pgbench load on a throwaway PostgreSQL;
# then examples/rollout/run.sh: keel rollout through HAProxy and two
# PgBouncers, a healthy rollout to 100 % and one that trips its p99 breaker.
# Exits 0 when keel behaved as expected (including exit 3 where it is
# expected), non-zero otherwise.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 KEEL_BINARY" >&2
  exit 2
fi
keel_bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
demo_dir="$(cd "$(dirname "$0")" && pwd)"
work="$demo_dir/.work"

if [ ! -x "$keel_bin" ]; then
  echo "demo: $keel_bin is not an executable; build it first (make build)" >&2
  exit 1
fi
if ! command -v sqlite3 >/dev/null; then
  echo "demo: the sqlite3 command is missing; install it with 'make deps'" >&2
  exit 1
fi

# shellcheck source=examples/demo/lib.sh
. "$demo_dir/lib.sh"

# keel_expect WANT ARGS...: runs keel in the work dir, shows its output
# indented, and checks the exit status. Leaves the output in $out.
keel_expect() {
  local want=$1
  shift
  printf '    $ keel %s\n' "$*"
  out="$(cd "$work" && "$keel_bin" "$@" 2>&1)"
  local status=$?
  printf '%s\n' "$out" | sed 's/^/      /'
  if [ "$status" -eq "$want" ]; then
    note "(exit $status, as expected)"
  else
    fail "keel exited $status, expected $want"
  fi
}

expect_output() {
  if printf '%s\n' "$out" | grep -qF -- "$1"; then
    return 0
  fi
  fail "the output does not mention '$1'"
}

step "Building three SQLite environments from examples/demo/schema.sql in $work"
rm -rf "$work"
mkdir -p "$work/baselines"
for env in dev staging prod; do
  sqlite3 -bail "$work/$env.db" <"$demo_dir/schema.sql" || { echo "demo: cannot build $env.db" >&2; exit 1; }
done
# staging and prod hold data; dev is empty. Data never changes the schema hash.
for env in staging prod; do
  sqlite3 -bail "$work/$env.db" <"$demo_dir/seed.sql" || { echo "demo: cannot seed $env.db" >&2; exit 1; }
done
cat >"$work/keel.toml" <<'TOML'
# keel demo environments (sqlite: paths are relative to the current directory).
[environments.dev]
url = "sqlite:dev.db"
tier = "dev"

[environments.staging]
url = "sqlite:staging.db"
tier = "staging"

[environments.prod]
url = "sqlite:prod.db"
tier = "prod"
rto = "5m"                       # a rollback slower than this exits 3

[migrations]
dir = "migrations"

# keel verify --all: each environment against dev; LOCKED rewrites baselines/<env>.json
[parity]
environments = ["dev", "staging", "prod"]

# Checked inside a rollback's transaction, before COMMIT (with every foreign key)
[[integrity.checks]]
name = "every order has a known status"
sql = "SELECT count(*) FROM orders WHERE status NOT IN ('pending', 'paid', 'shipped', 'cancelled')"
expect = 0
TOML
# A copy, so that the tampering step below leaves examples/demo/migrations alone.
cp -r "$demo_dir/migrations" "$work/migrations"
note "dev.db (empty), staging.db and prod.db (with rows), keel.toml, migrations/"

step "The same schema gives the same hash in every environment, whatever the data"
declare -A hashes
for env in dev staging prod; do
  keel_expect 0 --config keel.toml --env "$env" --quiet baseline hash
  hashes[$env]="$(printf '%s\n' "$out" | tail -n 1)"
  case "${hashes[$env]}" in
    sha256:*) ;;
    *) fail "the last line of 'baseline hash' is not sha256:<hex>" ;;
  esac
done
if [ "${hashes[dev]}" = "${hashes[staging]}" ] && [ "${hashes[staging]}" = "${hashes[prod]}" ]; then
  note "all three: ${hashes[prod]}"
else
  fail "the three environments hash differently"
fi

step "Capturing a baseline manifest of each environment (what a team commits next to its migrations)"
for env in dev staging prod; do
  keel_expect 0 --config keel.toml --env "$env" baseline capture -o "baselines/$env.json"
  [ -s "$work/baselines/$env.json" ] || fail "baselines/$env.json was not written"
done
note "each manifest records the schema model, pragmas, encoding and SQLite version, e.g.:"
grep -E '"(schema_hash|journal_mode|user_version|version)"' "$work/baselines/prod.json" |
  sed 's/^ */      /'

step "Before any change, prod matches its baseline"
keel_expect 0 --config keel.toml --env prod drift --against baselines/prod.json
expect_output "no drift"

step "Versioned migrations: three are pending everywhere"
ls "$work/migrations" | sed 's/^/      migrations\//'
keel_expect 0 --config keel.toml --env dev status
expect_output "0003"
expect_output "pending"

step "A dry run first: keel plan runs them inside BEGIN ... ROLLBACK and proves each reversible"
keel_expect 0 --config keel.toml --env dev plan
expect_output "VALIDATED (3 migrations; schema unchanged: yes)"
note "(on dev, idempotency is not required; on staging and prod tiers it is)"

step "Applying them to dev, only as validated: each in its own transaction, under a deploy lock"
keel_expect 0 --config keel.toml --env dev apply --require-validated
expect_output "applied 3 migrations"

step "Applying again changes nothing"
keel_expect 0 --config keel.toml --env dev apply
expect_output "nothing to apply"

step "Promotion: staging, then prod"
keel_expect 0 --config keel.toml --env staging apply
keel_expect 0 --config keel.toml --env prod apply
expect_output "applied 3 migrations"

step "status: who applied each migration and when, and the schema hash it left"
keel_expect 0 --config keel.toml --env prod status
expect_output "applied"

step "Parity: every environment against dev, LOCKED, stored in each one's keel_parity table"
keel_expect 0 --config keel.toml verify --all
expect_output "LOCKED   staging"
expect_output "LOCKED   prod"
expect_output "PARITY LOCKED: 3 environments verified"
cp "$work/baselines/prod.json" "$work/prod-verified.json"
note "baselines/*.json now hold the verified state (commit them):"
grep -h '"schema_hash"' "$work/baselines/"*.json | sed 's/^ */      /'

step "A hotfix is applied by hand in prod: an index dropped, a column added"
sed -n '/^[A-Z]/p' "$demo_dir/hotfix.sql" | sed 's/^/      sqlite3 prod.db> /'
sqlite3 -bail "$work/prod.db" <"$demo_dir/hotfix.sql" || { echo "demo: cannot apply the hotfix" >&2; exit 1; }

step "keel finds it: prod against its committed baseline (exit 3 means drift)"
keel_expect 3 --config keel.toml --env prod drift --against baselines/prod.json
expect_output "main.orders.orders_user_id_idx"
expect_output "main.users.phone"
expect_output "DRIFT DETECTED: 2 differences"

step "And against another live environment: prod compared with staging, as JSON for CI"
keel_expect 3 --config keel.toml --env prod --format json drift --against env:staging
expect_output '"drift": true'

step "verify --all: prod DRIFTED (exit 3); its baseline stays the last verified state"
keel_expect 3 --config keel.toml verify --all
expect_output "LOCKED   staging"
expect_output "DRIFTED  prod"
expect_output "PARITY BROKEN: 1 of 3 environments DRIFTED"
if cmp -s "$work/baselines/prod.json" "$work/prod-verified.json"; then
  note "baselines/prod.json unchanged"
else
  fail "baselines/prod.json was rewritten although prod DRIFTED"
fi
note "each verdict is kept in the environment itself:"
sqlite3 "$work/prod.db" "SELECT verified_at, status, reference FROM keel_parity ORDER BY id" |
  sed 's/^/      prod.db keel_parity: /'

step "The hotfix is undone (or turned into a migration): prod is LOCKED again"
sqlite3 -bail "$work/prod.db" <"$demo_dir/revert_hotfix.sql" || { echo "demo: cannot undo the hotfix" >&2; exit 1; }
keel_expect 0 --config keel.toml verify --all
expect_output "PARITY LOCKED: 3 environments verified"

step "Someone edits a migration that already ran: validate and apply refuse (exit 3)"
printf -- '-- an afterthought\n' >>"$work/migrations/0002_users_last_login.up.sql"
keel_expect 3 --config keel.toml --env dev validate
expect_output "0002_users_last_login.up.sql"
keel_expect 3 --config keel.toml --env dev apply
cp "$demo_dir/migrations/0002_users_last_login.up.sql" "$work/migrations/"
keel_expect 0 --config keel.toml --env dev validate
note "(file restored)"

step "A guest places an order in staging; rolling back 0003 would orphan it: aborted (exit 3)"
sqlite3 -bail "$work/staging.db" "INSERT INTO orders (user_id, total_cents) VALUES (0, 1500)"
note "sqlite3 staging.db> INSERT INTO orders (user_id, total_cents) VALUES (0, 1500)"
keel_expect 3 --config keel.toml --env staging rollback --steps 1
expect_output "ROLLBACK ABORTED"
expect_output "1 orphaned row"
keel_expect 0 --config keel.toml --env staging status
expect_output "0003"
if [ "$(sqlite3 "$work/staging.db" "SELECT count(*) FROM users WHERE id = 0")" = "1" ]; then
  note "the guest user, its order and the history are as they were"
else
  fail "the aborted rollback changed the data"
fi

step "Once the guest order is moved to a real customer, the rollback goes through"
sqlite3 -bail "$work/staging.db" "UPDATE orders SET user_id = 1 WHERE user_id = 0"
keel_expect 0 --config keel.toml --env staging rollback --steps 1
expect_output "integrity:"
expect_output "restored: schema hash"
expect_output "after 0002"

step "And a schema rollback on dev: 0003 and 0002 undone in one transaction, the recorded hash restored"
keel_expect 0 --config keel.toml --env dev rollback --to 0001
expect_output "rolled back 2 migrations"
expect_output "after 0001"
keel_expect 3 --config keel.toml --env dev drift --against env:staging
expect_output "main.users.last_login_at"

step "Forward again everywhere: parity LOCKED"
keel_expect 0 --config keel.toml --env dev apply
keel_expect 0 --config keel.toml --env staging apply
keel_expect 0 --config keel.toml verify --all
expect_output "PARITY LOCKED: 3 environments verified"

step "The run archive: the runs that changed staging (apply, rollback) in its keel_runs table; every run, read-only ones too, in .keel/log/staging.jsonl"
keel_expect 0 --config keel.toml --env staging log --limit 6
expect_output "rollback"
expect_output "gate_failed"
[ -s "$work/.keel/log/staging.jsonl" ] || fail ".keel/log/staging.jsonl was not written"

step "Part 2: an expand/contract change under load on a throwaway PostgreSQL (examples/demo/expand.sh)"
"$demo_dir/expand.sh" "$keel_bin" || fail "the expand/contract demo (see above)"

step "Part 3: a staged rollout through HAProxy and PgBouncer, healthy then regressed (examples/rollout/run.sh)"
# Its reports and results stay in .keel/demo-rollout (ignored by git) for a look afterwards.
HOLD=${HOLD:-2s} "$demo_dir/../rollout/run.sh" "$keel_bin" "$PWD/.keel/demo-rollout" ||
  fail "the rollout demo (see above)"

echo
if [ "$failures" -eq 0 ]; then
  echo "demo: keel behaved as expected (migrations planned, promoted and verified LOCKED; drift caught; an orphaning rollback refused; clean rollbacks restored the recorded hash)"
  exit 0
fi
echo "demo: $failures unexpected result(s); see UNEXPECTED above" >&2
exit 1

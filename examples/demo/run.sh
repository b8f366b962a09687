#!/usr/bin/env bash
# keel demo: three SQLite environments, baselines, a drift caught, and
# versioned migrations applied, checked and rolled back.
#
#   examples/demo/run.sh KEEL_BINARY      (what `make demo` runs)
#
# Builds dev, staging and prod from schema.sql in examples/demo/.work,
# captures a baseline of each, applies a hand-made hotfix to prod, and shows
# keel reporting it. Then applies examples/demo/migrations to every
# environment, shows `keel status`, catches an edited migration file, and
# rolls dev back one step and forward again. Exits 0 when keel behaved as
# expected (including exit 3 where drift is expected), non-zero otherwise.
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

failures=0
step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
fail() {
  printf '    UNEXPECTED: %s\n' "$*"
  failures=$((failures + 1))
}

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

[migrations]
dir = "migrations"
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

step "A hotfix is applied by hand in prod: an index dropped, a column added"
sed -n '/^[A-Z]/p' "$demo_dir/hotfix.sql" | sed 's/^/      sqlite3 prod.db> /'
sqlite3 -bail "$work/prod.db" <"$demo_dir/hotfix.sql" || { echo "demo: cannot apply the hotfix" >&2; exit 1; }

step "keel finds it: prod against its committed baseline (exit 3 means drift)"
keel_expect 3 --config keel.toml --env prod drift --against baselines/prod.json
expect_output "main.orders.orders_user_id_idx"
expect_output "main.users.phone"
expect_output "DRIFT DETECTED: 2 differences"

step "And against another live environment: prod compared with staging"
keel_expect 3 --config keel.toml --env prod drift --against env:staging
expect_output "DRIFT DETECTED: 2 differences"

step "The same, as JSON for CI"
keel_expect 3 --config keel.toml --env prod --format json drift --against env:staging
expect_output '"drift": true'

step "Environments without the hotfix still agree: staging against dev"
keel_expect 0 --config keel.toml --env staging drift --against env:dev
expect_output "no drift"

step "Versioned migrations: two are pending everywhere"
ls "$work/migrations" | sed 's/^/      migrations\//'
keel_expect 0 --config keel.toml --env dev status
expect_output "0001"
expect_output "pending"

step "A dry run first: keel plan runs them inside BEGIN ... ROLLBACK and proves each reversible"
keel_expect 0 --config keel.toml --env dev plan
expect_output "VALIDATED (2 migrations; schema unchanged: yes)"
note "(on dev, idempotency is not required; on staging and prod tiers it is)"

step "Applying them to dev, only as validated: each in its own transaction, under a deploy lock"
keel_expect 0 --config keel.toml --env dev apply --require-validated
expect_output "applied 2 migrations"

step "Applying again changes nothing"
keel_expect 0 --config keel.toml --env dev apply
expect_output "nothing to apply"

step "status: who applied each migration and when, and the schema hash it left"
keel_expect 0 --config keel.toml --env dev status
expect_output "applied"

step "Staging and prod follow; staging and dev agree again"
keel_expect 0 --config keel.toml --env staging apply
keel_expect 0 --config keel.toml --env prod apply
keel_expect 0 --config keel.toml --env staging drift --against env:dev
expect_output "no drift"
note "prod's hand-made hotfix is still there: migrations do not hide drift, and the"
note "hotfix's column now also sits before last_login_at, so the column order differs too"
keel_expect 3 --config keel.toml --env prod drift --against env:staging
expect_output "main.users.last_login_at: position"
expect_output "DRIFT DETECTED: 3 differences"

step "Someone edits a migration that already ran: validate and apply refuse (exit 3)"
printf -- '-- an afterthought\n' >>"$work/migrations/0002_users_last_login.up.sql"
keel_expect 3 --config keel.toml --env dev validate
expect_output "0002_users_last_login.up.sql"
keel_expect 3 --config keel.toml --env dev apply
cp "$demo_dir/migrations/0002_users_last_login.up.sql" "$work/migrations/"
keel_expect 0 --config keel.toml --env dev validate
note "(file restored)"

step "Rolling dev back one step runs 0002's down script; dev now differs from staging"
keel_expect 0 --config keel.toml --env dev rollback --steps 1
keel_expect 0 --config keel.toml --env dev --format json status
expect_output '"rolled back"'
keel_expect 3 --config keel.toml --env dev drift --against env:staging
expect_output "main.users.last_login_at"

step "And forward again: dev and staging agree"
keel_expect 0 --config keel.toml --env dev apply
expect_output "applied 1 migration"
keel_expect 0 --config keel.toml --env dev drift --against env:staging
expect_output "no drift"

echo
if [ "$failures" -eq 0 ]; then
  echo "demo: keel behaved as expected (drift caught in prod, none elsewhere; migrations applied, checked and rolled back)"
  exit 0
fi
echo "demo: $failures unexpected result(s); see UNEXPECTED above" >&2
exit 1

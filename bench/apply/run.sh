#!/usr/bin/env bash
# Benchmark: `keel apply` against dbmate 2.36 (`dbmate migrate`), both
# applying the same 1,000 small migrations to a fresh PostgreSQL database.
#
#   bench/apply/run.sh KEEL_BINARY
#
# It writes one folder of dbmate-format files (<version>_t<N>.sql with
# "-- migrate:up" / "-- migrate:down" sections; each up creates a table and an
# index, each down drops the table), which keel reads as well, so both tools
# run the same statements. Each run creates two fresh databases, applies the
# folder with keel to one and with dbmate to the other (interleaved, each
# tool first in every other run), then checks each: 1,000 history rows (keel's
# with status SUCCESS) and 1,000 tables, and runs each tool once more on its
# database, with nothing pending (what every later deploy pays). It prints the
# median wall time, CPU time and peak RSS of each tool, the ratio and whether
# the target holds (keel no slower than dbmate on the fresh databases; the
# nothing-pending ratio has no target).
#
# BENCH_SCHEMA_HASH=each|run|off (default each) sets keel's [migrations]
# schema_hash: "each" reads the schema after every migration (its cost grows
# with the schema, so 1,000 migrations from empty are quadratic); "run" is
# what catching up many migrations should use. BENCH_MIGRATIONS, BENCH_RUNS.
#
# dbmate comes from npm (dbmate@2.36.0) into KEEL_PEERS_DIR (default
# /tmp/keel-peers), installed only when missing. The benchmark runs dbmate's
# Go binary itself, not npm's node wrapper (node_modules/.bin/dbmate), which
# adds ~0.5 s of node start-up to every call. `dbmate migrate` is `dbmate up`
# without creating the database, which already exists.
#
# Uses the server in KEEL_TEST_PG_URL (superuser); without it, re-runs itself
# under scripts/with-postgres.sh, which starts a throwaway PostgreSQL 15.
# Environment: BENCH_MIGRATIONS=1000, BENCH_RUNS=3, KEEL_PEERS_DIR=/tmp/keel-peers.
# Exit status: 0 when every run worked (a missed target prints
# "TARGET MISSED" but is not a failure), 1 when a run failed or left the
# wrong result, 2 on bad usage.
set -euo pipefail

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")
repo=$(cd "$here/../.." && pwd)

# shellcheck source=bench/lib.sh
source "$here/../lib.sh"

bench_start "$@"
count=${BENCH_MIGRATIONS:-1000}
positive_int BENCH_MIGRATIONS "$count"
runs=${BENCH_RUNS:-3}
positive_int BENCH_RUNS "$runs"

need_gnu_time

# dbmate: installed once into the peers folder, before the server starts.
peers=${KEEL_PEERS_DIR:-/tmp/keel-peers}
dbmate_version=2.36.0
find_dbmate() {
  local bin
  for bin in "$peers"/node_modules/@dbmate/*/bin/dbmate; do
    [ -x "$bin" ] || continue
    "$bin" --version 2>/dev/null | grep -qF "version $dbmate_version" || continue
    echo "$bin"
    return 0
  done
  return 1
}
if ! dbmate=$(find_dbmate); then
  command -v npm >/dev/null || die "'npm' not found: install Node.js and npm (Debian: apt-get install nodejs npm), or put dbmate@$dbmate_version into $peers/node_modules"
  echo "bench: installing dbmate@$dbmate_version into $peers ..." >&2
  mkdir -p "$peers"
  (cd "$peers" && npm install --no-audit --no-fund --silent "dbmate@$dbmate_version" >/dev/null) ||
    die "npm install dbmate@$dbmate_version into $peers failed"
  dbmate=$(find_dbmate) || die "no dbmate $dbmate_version binary under $peers/node_modules/@dbmate/*/bin after npm install"
fi

if [ -z "${KEEL_TEST_PG_URL:-}" ]; then
  KEEL_BENCH_OWN_SERVER=1 exec "$repo/scripts/with-postgres.sh" "$script" "$keel"
fi

for tool in python3 psql; do
  command -v "$tool" >/dev/null || die "'$tool' not found (run 'make deps')"
done

# psql takes the server as options; keel and dbmate get the URL with the
# database name replaced (url_part with_db / dbmate).
pg_from_url
bench_workspace keel-bench-apply

server_version=$(q -d postgres -c "SHOW server_version") || die "cannot connect to $pg_host:$pg_port as $pg_user"
echo "bench: server PostgreSQL ${server_version%% *} at $pg_host:$pg_port; $(nproc) cores"
echo "bench: $("$keel" --version 2>/dev/null | head -n 1 || echo keel) at $keel"
echo "bench: $("$dbmate" --version) at $dbmate"
read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "bench: warning: load average $load1 on $(nproc) cores; other work on this machine makes the figures noisy"
fi

# The migrations: dbmate's format, versions 20240101000001 and up (digits
# only, the same order as text and as numbers).
dir=$work/migrations
mkdir "$dir"
for ((n = 1; n <= count; n++)); do
  printf -- '-- migrate:up\nCREATE TABLE t_%d (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX t_%d_name ON t_%d (name);\n\n-- migrate:down\nDROP TABLE t_%d;\n' \
    "$n" "$n" "$n" "$n" >"$dir/$((20240101000000 + n))_t$n.sql"
done
# What keel records per migration: [migrations] schema_hash (each: a schema
# read and snapshot per migration, what exact rollback checks need; run:
# before the first and after the last; off). dbmate records no hash.
schema_hash=${BENCH_SCHEMA_HASH:-each}
case "$schema_hash" in
  each | run | off) ;;
  *) echo "bench: BENCH_SCHEMA_HASH must be each, run or off" >&2; exit 2 ;;
esac
printf '[migrations]\nschema_hash = "%s"\n' "$schema_hash" >"$work/keel.toml"
echo "bench: $count migrations (CREATE TABLE + CREATE INDEX each) in $dir; keel schema_hash = $schema_hash"

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# fresh_db DB: drops and creates it.
fresh_db() {
  q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
  q -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null
  created_dbs+=("$1")
}

# timed NAME CMD...: runs CMD in $work with GNU time; prints "seconds cpu_seconds kb".
timed() {
  local name=$1 start end secs
  shift
  start=$EPOCHREALTIME
  if ! (cd "$work" && "$gnu_time" -f '%e %U %S %M' -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err"); then
    end=$EPOCHREALTIME
    echo "bench: $name failed ($(elapsed "$start" "$end") s):" >&2
    sed 's/^/  /' "$work/$name.err" "$work/$name.out" | tail -n 20 >&2
    return 1
  fi
  end=$EPOCHREALTIME
  secs=$(elapsed "$start" "$end")
  tail -n 1 "$work/time" | awk -v s="$secs" '{ printf "%s %.2f %s\n", s, $2 + $3, $4 }'
}

# check DB HISTORY_QUERY: the history holds $count rows and public $count t_ tables.
check() {
  local db=$1 history=$2 rows tables
  rows=$(q -d "$db" -c "$history") || { echo "bench: $db: cannot read the history" >&2; return 1; }
  tables=$(q -d "$db" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                          WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 't\_%'") ||
    { echo "bench: $db: cannot count the tables" >&2; return 1; }
  if [ "$rows" -ne "$count" ] || [ "$tables" -ne "$count" ]; then
    echo "bench: $db: $rows history rows and $tables tables, expected $count of each" >&2
    return 1
  fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# run_tool TOOL RUN: applies the folder with TOOL to a fresh database, checks
# it, applies again with nothing pending; appends to TOOL's figures.
keel_s=() keel_cpu=() keel_kb=() keel_noop_s=()
dbmate_s=() dbmate_cpu=() dbmate_kb=() dbmate_noop_s=()
run_tool() {
  local tool=$1 run=$2 db=keel_bench_apply_$1_$2 cmd history r s cpu kb noop
  fresh_db "$db"
  if [ "$tool" = keel ]; then
    cmd=("$keel" --url "$(url_part with_db "$db")" apply --dir "$dir")
    history="SELECT count(*) FROM keel.schema_migrations WHERE status = 'SUCCESS'"
  else
    # env execs dbmate: GNU time measures dbmate itself.
    cmd=(env "DATABASE_URL=$(url_part dbmate "$db")" "$dbmate" --no-dump-schema --migrations-dir "$dir" migrate)
    history="SELECT count(*) FROM public.schema_migrations"
  fi
  r=$(timed "$tool" "${cmd[@]}") || return 1
  check "$db" "$history" || return 1
  read -r s cpu kb <<<"$r"
  # Again, with nothing pending: what every later deploy pays.
  r=$(timed "$tool" "${cmd[@]}") || return 1
  read -r noop _ <<<"$r"
  if [ "$tool" = keel ]; then
    keel_s+=("$s") keel_cpu+=("$cpu") keel_kb+=("$kb") keel_noop_s+=("$noop")
  else
    dbmate_s+=("$s") dbmate_cpu+=("$cpu") dbmate_kb+=("$kb") dbmate_noop_s+=("$noop")
  fi
  printf 'bench: run %d: %-6s %7.3f s  cpu %6.2f s %7.1f MB  %d migrations checked; again, nothing pending: %.3f s\n' \
    "$run" "$tool" "$s" "$cpu" "$(mb "$kb")" "$count" "$noop"
}

failed=0
for ((i = 1; i <= runs; i++)); do
  # Interleaved, each first in every other run, so both see the same machine state.
  order=(keel dbmate)
  [ $((i % 2)) -eq 1 ] || order=(dbmate keel)
  for tool in "${order[@]}"; do
    run_tool "$tool" "$i" || { failed=1; break 2; }
  done
done

if [ "$failed" -ne 0 ] || [ "${#dbmate_s[@]}" -eq 0 ]; then
  echo "bench: FAILED (see above)" >&2
  exit 1
fi

# The table. Times are medians of $runs runs, memory the peak over them.
# Each run's keel/dbmate ratio too: the two applies of one run saw the same load.
pairs=()
for ((i = 0; i < ${#keel_s[@]}; i++)); do
  pairs+=("$(awk -v k="${keel_s[i]}" -v d="${dbmate_s[i]}" 'BEGIN { printf "%.2f", (d > 0 ? k / d : 0) }')")
done
python3 - "$runs" "$count" "${pairs[*]}" \
  "$(median "${keel_s[@]}") $(median "${keel_cpu[@]}") $(maximum "${keel_kb[@]}") $(median "${keel_noop_s[@]}")" \
  "$(median "${dbmate_s[@]}") $(median "${dbmate_cpu[@]}") $(maximum "${dbmate_kb[@]}") $(median "${dbmate_noop_s[@]}")" <<'PY'
import sys
runs, count, pairs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ks, kcpu, kkb, knoop = (float(x) for x in sys.argv[4].split())
ds, dcpu, dkb, dnoop = (float(x) for x in sys.argv[5].split())
load = open("/proc/loadavg").read().split()[:3]
print()
print(f"keel apply vs dbmate migrate, {count:,} migrations on fresh databases: "
      f"median of {runs} runs, peak RSS")
print(f"(ratio = keel / dbmate wall time; load average now {' '.join(load)})")
head = (f"{'tool':<8}  {'median s':>8}  {'ms/migration':>12}  {'cpu s':>6}  {'peak MB':>7}"
        f"  {'again, nothing pending s':>24}")
print(head)
print("-" * len(head))
for name, s, cpu, kb, noop in (("keel", ks, kcpu, kkb, knoop), ("dbmate", ds, dcpu, dkb, dnoop)):
    print(f"{name:<8}  {s:>8.3f}  {1000 * s / count:>12.2f}  {cpu:>6.2f}  {kb / 1024:>7.1f}  {noop:>24.3f}")
print()
ratio = ks / ds if ds > 0 else float("inf")
print(f"ratio keel/dbmate: {ratio:.2f} (each run's: {pairs}; "
      f"nothing pending: {knoop / dnoop if dnoop > 0 else float('inf'):.2f}, no target)")
if ratio <= 1:
    print("target met: keel no slower than dbmate")
else:
    print(f"TARGET MISSED: keel is {ratio:.2f}x dbmate's time, target ≤1.00")
PY

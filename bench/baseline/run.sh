#!/usr/bin/env bash
# Benchmark: `keel baseline hash` against the method it replaces,
# `pg_dump --schema-only --no-owner --no-privileges | sha256sum`.
#
#   bench/baseline/run.sh KEEL_BINARY
#
# For 1,000 and 10,000 tables (gen_big_schema.py N 200 200, a copy of
# ../shared/gen_big_schema.py so a fresh clone has it) it loads
# a fresh database, runs each method 3 times (interleaved), and prints the
# median wall time, the peak RSS, the ratio, whether the targets hold (keel at
# least 5x faster than pg_dump at 10,000 tables, at most 300 MB peak), and
# whether each method's hash is the same across runs.
#
# Uses the server in KEEL_TEST_PG_URL (superuser); without it, re-runs itself
# under scripts/with-postgres.sh, which starts a throwaway PostgreSQL 15.
# Environment: BENCH_SIZES="1000 10000" (table counts), BENCH_RUNS=3,
#   GEN_BIG_SCHEMA=path/to/gen_big_schema.py (default: the copy next to this script).
# Exit status: 0 when every run worked (a missed target prints
# "TARGET MISSED" but is not a failure), 1 when a run failed or keel's hash
# was not stable, 2 on bad usage.
set -euo pipefail

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")
repo=$(cd "$here/../.." && pwd)

# shellcheck source=bench/lib.sh
source "$here/../lib.sh"

bench_start "$@"

need_gnu_time

if [ -z "${KEEL_TEST_PG_URL:-}" ]; then
  # The throwaway server goes away with its data: no need to drop the databases.
  KEEL_BENCH_OWN_SERVER=1 exec "$repo/scripts/with-postgres.sh" "$script" "$keel"
fi

for tool in python3 psql pg_dump sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' not found (run 'make deps')"
done
gen=${GEN_BIG_SCHEMA:-$here/gen_big_schema.py} # a copy of ../shared/gen_big_schema.py
[ -f "$gen" ] || die "$gen not found"
read -r -a sizes <<<"${BENCH_SIZES:-1000 10000}"
runs=${BENCH_RUNS:-3}
positive_int BENCH_RUNS "$runs"

# psql/pg_dump take the server as options; keel gets the URL with the
# database name replaced (url_part with_db).
pg_from_url
bench_workspace keel-bench

server_version=$(q -d postgres -c "SHOW server_version") || die "cannot connect to $pg_host:$pg_port as $pg_user"
echo "bench: server PostgreSQL ${server_version%% *} at $pg_host:$pg_port; $(pg_dump --version | sed 's/ (Debian.*//'); $(nproc) cores"
echo "bench: $("$keel" --version 2>/dev/null | head -n 1 || echo keel) at $keel"
read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "bench: warning: load average $load1 on $(nproc) cores; other work on this machine makes the figures noisy"
fi

# load_db DB N: a fresh database with gen_big_schema.py N 200 200, progress on stdout.
load_db() {
  local db=$1 n=$2 start end got
  q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null
  q -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  created_dbs+=("$db")
  echo "bench: loading $n tables, 200 views, 200 functions into $db ..."
  start=$EPOCHREALTIME
  # Every 10% of the tables (at a COMMIT), psql echoes a progress line.
  python3 "$gen" "$n" 200 200 |
    awk -v n="$n" '
      BEGIN { step = int(n / 10); if (step < 1) step = 1; next_mark = step }
      /^CREATE TABLE / { tables++ }
      { print }
      /^COMMIT;$/ && (tables >= next_mark || tables == n) {
        printf "\\echo '"'"'bench:   %d/%d tables'"'"'\n", tables, n
        while (next_mark <= tables) next_mark += step
      }
      END { print "\\echo '"'"'bench:   views and functions created'"'"'" }' |
    psql -X -q -v ON_ERROR_STOP=1 "${pg_opts[@]}" -d "$db" >"$work/load.out" 2>"$work/load.err" &
  local loader=$!
  # Relay psql's progress lines as they arrive.
  local shown=0 lines
  while kill -0 "$loader" 2>/dev/null; do
    sleep 0.5
    lines=$(wc -l <"$work/load.out")
    if [ "$lines" -gt "$shown" ]; then sed -n "$((shown + 1)),${lines}p" "$work/load.out"; shown=$lines; fi
  done
  if ! wait "$loader"; then
    cat "$work/load.err" >&2
    die "loading $n tables into $db failed"
  fi
  lines=$(wc -l <"$work/load.out")
  [ "$lines" -le "$shown" ] || sed -n "$((shown + 1)),${lines}p" "$work/load.out"
  end=$EPOCHREALTIME
  got=$(q -d "$db" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                       WHERE s.nspname = 'public' AND c.relkind = 'r'")
  [ "$got" -eq "$n" ] || die "$db has $got tables, expected $n"
  q -d "$db" -c "VACUUM ANALYZE" >/dev/null # settle the catalogs; both methods see the same state
  printf 'bench: loaded %s tables in %s s\n' "$n" "$(elapsed "$start" "$end")"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# run_keel URL OUT: one run; prints "seconds kb hash".
run_keel() {
  local url=$1 start end secs kb hash
  start=$EPOCHREALTIME
  if ! "$gnu_time" -f '%e %M' -o "$work/time" "$keel" --url "$url" --quiet baseline hash >"$work/keel.out" 2>"$work/keel.err"; then
    end=$EPOCHREALTIME
    echo "bench: keel failed ($(elapsed "$start" "$end") s):" >&2
    sed 's/^/  /' "$work/keel.err" "$work/keel.out" | tail -n 20 >&2
    return 1
  fi
  end=$EPOCHREALTIME
  secs=$(elapsed "$start" "$end")
  kb=$(tail -n 1 "$work/time" | awk '{print $2}')
  hash=$(tail -n 1 "$work/keel.out")
  if ! [[ "$hash" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "bench: keel's last line is not sha256:<64 hex>: '$hash'" >&2
    return 1
  fi
  echo "$secs $kb $hash"
}

# run_pg_dump DB: one run of the pipeline; prints "seconds kb hash" (kb: pg_dump's own peak RSS).
run_pg_dump() {
  local db=$1 start end secs kb hash
  start=$EPOCHREALTIME
  if ! (set -o pipefail
        "$gnu_time" -f '%e %M' -o "$work/time" \
          pg_dump --schema-only --no-owner --no-privileges "${pg_opts[@]}" -d "$db" 2>"$work/pg_dump.err" |
          sha256sum >"$work/pg_dump.out"); then
    echo "bench: pg_dump | sha256sum failed:" >&2
    sed 's/^/  /' "$work/pg_dump.err" | tail -n 20 >&2
    return 1
  fi
  end=$EPOCHREALTIME
  secs=$(elapsed "$start" "$end")
  kb=$(tail -n 1 "$work/time" | awk '{print $2}')
  hash=sha256:$(awk '{print $1}' "$work/pg_dump.out")
  echo "$secs $kb $hash"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }
distinct() { printf '%s\n' "$@" | sort -u | wc -l; }

failed=0
rows=()
notes=()
for n in "${sizes[@]}"; do
  db=keel_bench_$n
  load_db "$db" "$n"
  db_url=$(url_part with_db "$db")
  keel_s=() keel_kb=() keel_h=() dump_s=() dump_kb=() dump_h=()
  for ((i = 1; i <= runs; i++)); do
    # Interleaved, so both methods see the same machine state.
    if ! r=$(run_keel "$db_url"); then failed=1; break; fi
    read -r s kb h <<<"$r"
    keel_s+=("$s") keel_kb+=("$kb") keel_h+=("$h")
    printf 'bench: %5s tables run %d: keel    %7.3f s %7.1f MB  %s\n' "$n" "$i" "$s" "$(mb "$kb")" "$h"
    if ! r=$(run_pg_dump "$db"); then failed=1; break; fi
    read -r s kb h <<<"$r"
    dump_s+=("$s") dump_kb+=("$kb") dump_h+=("$h")
    printf 'bench: %5s tables run %d: pg_dump %7.3f s %7.1f MB  %s\n' "$n" "$i" "$s" "$(mb "$kb")" "$h"
  done
  [ "$failed" -eq 0 ] || break
  rows+=("$n $(median "${keel_s[@]}") $(maximum "${keel_kb[@]}") $(median "${dump_s[@]}") $(maximum "${dump_kb[@]}")")
  kd=$(distinct "${keel_h[@]}")
  dd=$(distinct "${dump_h[@]}")
  if [ "$kd" -eq 1 ]; then
    notes+=("$(printf '%6s tables  keel     identical in %d of %d runs: stable   (%s)' "$n" "$runs" "$runs" "${keel_h[0]}")")
  else
    notes+=("$(printf '%6s tables  keel     %d distinct hashes in %d runs: UNSTABLE (a bug: the schema did not change)' "$n" "$kd" "$runs")")
    failed=1
  fi
  if [ "$dd" -eq 1 ]; then
    notes+=("$(printf '%6s tables  pg_dump  identical in %d of %d runs (this pg_dump writes no \\restrict key)' "$n" "$runs" "$runs")")
  else
    # Name the cause only when a (small) dump shows it.
    why="cause not found: no \\restrict line"
    restrict_lines=$(pg_dump --schema-only --no-owner --no-privileges "${pg_opts[@]}" -d "$db" -t t00001 2>/dev/null |
                       grep -c '^\\restrict ' || true)
    if [ "${restrict_lines:-0}" -gt 0 ]; then
      why="random \\restrict key in each dump"
    fi
    notes+=("$(printf '%6s tables  pg_dump  %d distinct hashes in %d runs: unusable as a baseline (%s)' "$n" "$dd" "$runs" "$why")")
  fi
  if [ "$drop_dbs" -eq 1 ]; then
    echo "bench: dropping $db ..."
    q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null || true
  fi
done

[ "${#rows[@]}" -gt 0 ] || die "no results"

# The table. Times are medians of $runs runs, memory the peak over them.
python3 - "$runs" "${rows[@]}" <<'PY'
import sys
runs = int(sys.argv[1])
rows = [r.split() for r in sys.argv[2:]]
SPEED, MEM_MB, SPEED_AT = 5.0, 300.0, 10000
print()
load = open("/proc/loadavg").read().split()[:3]
print(f"keel baseline hash vs pg_dump --schema-only | sha256sum: median wall time of {runs} runs, peak RSS")
print(f"(ratio = pg_dump / keel; pg_dump's own RSS; load average now {' '.join(load)})")
head = (f"{'tables':>7}  {'keel med s':>10}  {'keel peak MB':>12}  {'pg_dump med s':>13}  {'pg_dump peak MB':>15}"
        f"  {'ratio':<14}  targets")
print(head)
print("-" * (len(head) + 20))
missed = []
for n, ks, kkb, ds, dkb in rows:
    n, ks, kmb, ds, dmb = int(n), float(ks), int(kkb) / 1024, float(ds), int(dkb) / 1024
    ratio = ds / ks if ks > 0 else float("inf")
    rtext = f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"
    checks = []
    if n >= SPEED_AT:
        ok = ratio >= SPEED
        checks.append(f"≥{SPEED:.0f}× {'ok' if ok else 'MISSED'}")
        if not ok:
            missed.append(f"{n} tables: keel is {rtext}, target ≥{SPEED:.0f}× faster than pg_dump")
    ok = kmb <= MEM_MB
    checks.append(f"≤{MEM_MB:.0f} MB {'ok' if ok else 'MISSED'}")
    if not ok:
        missed.append(f"{n} tables: keel peak {kmb:.1f} MB, target ≤{MEM_MB:.0f} MB")
    print(f"{n:>7}  {ks:>10.3f}  {kmb:>12.1f}  {ds:>13.3f}  {dmb:>15.1f}  {rtext:<14}  {', '.join(checks)}")
print()
for m in missed:
    print(f"TARGET MISSED: {m}")
if not missed:
    if any(int(r[0]) >= SPEED_AT for r in rows):
        print(f"targets hold: ≥{SPEED:.0f}× faster than pg_dump at {SPEED_AT:,} tables, ≤{MEM_MB:.0f} MB peak")
    else:
        print(f"targets hold: ≤{MEM_MB:.0f} MB peak (the speed target applies at {SPEED_AT:,} tables: not measured)")
PY
echo
echo "hash stability across $runs runs:"
printf '%s\n' "${notes[@]}"

if [ "$failed" -ne 0 ]; then
  echo "bench: FAILED (see above)" >&2
  exit 1
fi

#!/usr/bin/env bash
# Benchmark: `keel diff --sql` against migra (@pgkit/migra 0.6.1, see
# ../shared/PEERS.md), both printing the DDL that turns one database's schema
# into another's.
#
#   bench/diff/run.sh KEEL_BINARY
#
# It loads database `src` with gen_big_schema.py 2000 200 200 (2,000 tables,
# 200 views, 200 functions; the copy in ../baseline) plus 10 rows per table,
# creates `dst` as CREATE DATABASE dst TEMPLATE src and applies
# make_changes.py: 200 added columns, 100 added indexes, 40 changed CHECK
# constraints (what exactly: make_changes.py's header). Then, 3 times,
# interleaved (each tool first in every other run):
#   keel --format text diff --from URL_src --to URL_dst --sql   > keel.sql
#   migra URL_src URL_dst --unsafe                               > migra.sql
# (migra's pg-promise "WARNING: ..." line and the stack lines after it are
# removed from its stdout). It prints each tool's median wall time, peak RSS,
# the ratio migra/keel, and for each tool whether its output round-trips:
# a copy of src (CREATE DATABASE ... TEMPLATE src), the tool's SQL applied with
# `psql -v ON_ERROR_STOP=1 -f` (autocommit: keel prints CREATE INDEX
# CONCURRENTLY after a `-- keel:no-transaction` line), then
# `keel baseline hash` of the copy compared with that of dst. It also prints
# the statements each tool printed, by kind, and on failure psql's first
# error or the first lines of `keel drift` between the copy and dst.
# Target: keel at least 20x faster than migra, with a correct round trip.
#
# Until this keel has a `diff` subcommand, the keel half is skipped with a
# message and only migra is measured (exit status 1: the bench is incomplete).
#
# migra comes from npm into KEEL_PEERS_DIR (default /tmp/keel-peers), installed
# only when missing; GNU time measures its node process itself.
#
# Uses the server in KEEL_TEST_PG_URL (superuser); without it, re-runs itself
# under scripts/with-postgres.sh, which starts a throwaway PostgreSQL 15.
# Environment: BENCH_TABLES=2000, BENCH_RUNS=3, BENCH_ROWS=10 (rows per table
#   in src, 0 for none), KEEL_PEERS_DIR=/tmp/keel-peers,
#   GEN_BIG_SCHEMA=path/to/gen_big_schema.py (default: ../baseline's copy).
# Exit status: 0 when every run worked and keel's output round-trips (a missed
# speed target prints "TARGET MISSED" but is not a failure, nor is migra's
# round trip failing: a finding), 1 when a run failed, keel's round trip
# failed or keel has no diff subcommand, 2 on bad usage.
set -euo pipefail

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")
repo=$(cd "$here/../.." && pwd)

# shellcheck source=bench/lib.sh
source "$here/../lib.sh"

bench_start "$@"
tables=${BENCH_TABLES:-2000}
positive_int BENCH_TABLES "$tables"
[ "$tables" -ge 200 ] || die "BENCH_TABLES must be at least 200 (make_changes.py spreads its changes over them)"
runs=${BENCH_RUNS:-3}
positive_int BENCH_RUNS "$runs"
rows_per_table=${BENCH_ROWS:-10}
[[ "$rows_per_table" =~ ^[0-9]+$ ]] || die "BENCH_ROWS must be a number (0 for empty tables)"

need_gnu_time
for tool in python3 npm node; do
  command -v "$tool" >/dev/null || die "'$tool' not found (Debian: apt-get install python3 nodejs npm)"
done

# migra: installed once into the peers folder, before the server starts.
peers=${KEEL_PEERS_DIR:-/tmp/keel-peers}
migra_version=0.6.1
migra=$peers/node_modules/.bin/migra
migra_installed_version() {
  node -p "require('$peers/node_modules/@pgkit/migra/package.json').version" 2>/dev/null || true
}
if ! [ -x "$migra" ] || [ "$(migra_installed_version)" != "$migra_version" ]; then
  echo "bench: installing @pgkit/migra@$migra_version into $peers ..." >&2
  mkdir -p "$peers"
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error "@pgkit/migra@$migra_version" >/dev/null ||
    die "npm install @pgkit/migra@$migra_version into $peers failed"
  if ! [ -x "$migra" ] || [ "$(migra_installed_version)" != "$migra_version" ]; then
    die "no migra $migra_version at $migra after npm install"
  fi
fi

if [ -z "${KEEL_TEST_PG_URL:-}" ]; then
  # The throwaway server goes away with its data: no need to drop the databases.
  KEEL_BENCH_OWN_SERVER=1 exec "$repo/scripts/with-postgres.sh" "$script" "$keel"
fi

command -v psql >/dev/null || die "'psql' not found (run 'make deps')"
gen=${GEN_BIG_SCHEMA:-$here/../baseline/gen_big_schema.py} # a copy of ../shared/gen_big_schema.py
[ -f "$gen" ] || die "$gen not found"

# Does this keel have `diff`? (An unknown subcommand makes keel say "A
# subcommand is required", so ask its help for the list instead.)
keel_has_diff=0
if "$keel" --help 2>/dev/null | grep -qE '^ +diff( |$)'; then
  keel_has_diff=1
fi

# psql takes the server as options; keel and migra get the URL with the
# database name replaced (url_part with_db).
pg_from_url
bench_workspace keel-bench-diff

server_version=$(q -d postgres -c "SHOW server_version") || die "cannot connect to $pg_host:$pg_port as $pg_user"
echo "bench: server PostgreSQL ${server_version%% *} at $pg_host:$pg_port; $(nproc) cores"
echo "bench: $("$keel" --version 2>/dev/null | head -n 1 || echo keel) at $keel"
echo "bench: migra (@pgkit/migra $(migra_installed_version)) at $migra; node $(node --version)"
if [ "$keel_has_diff" -eq 0 ]; then
  echo "bench: NOTE: $keel has no 'diff' subcommand ('$keel --help' does not list it);"
  echo "bench:       measuring migra only (rebuild keel: cmake --build build-rel -j1 --target keel)"
fi
read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "bench: warning: load average $load1 on $(nproc) cores; other work on this machine makes the figures noisy"
fi

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }
distinct() { printf '%s\n' "$@" | sort -u | wc -l; }

# new_db DB [TEMPLATE]: drops and creates it.
new_db() {
  q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
  if [ $# -eq 2 ]; then
    q -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE \"$2\"" >/dev/null
  else
    q -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null
  fi
  created_dbs+=("$1")
}

# psql_file DB FILE NAME: runs FILE like the output is meant to be run
# (autocommit, stop at the first error); stderr in $work/NAME.psql.err.
psql_file() {
  PGOPTIONS="-c client_min_messages=warning" \
    psql -X -q -v ON_ERROR_STOP=1 "${pg_opts[@]}" -d "$1" -f "$2" >/dev/null 2>"$work/$3.psql.err"
}

# schema_hash DB: keel's schema hash (the last line, sha256:<hex>).
schema_hash() {
  local h
  h=$("$keel" --url "$(url_part with_db "$1")" --quiet baseline hash 2>"$work/hash.err" | tail -n 1) || true
  if ! [[ "$h" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "bench: keel baseline hash of $1 failed:" >&2
    sed 's/^/  /' "$work/hash.err" | tail -n 20 >&2
    return 1
  fi
  echo "$h"
}

# The databases: src, dst, and one copy of src per tool for its round trip
# (prefixed: KEEL_TEST_PG_URL may name a server with databases of its own).
db_src=keel_bench_diff_src
db_dst=keel_bench_diff_dst
declare -A db_rt=([keel]=keel_bench_diff_rt_keel [migra]=keel_bench_diff_rt_migra)
start=$EPOCHREALTIME
echo "bench: loading $tables tables, 200 views, 200 functions, $rows_per_table rows per table into src ..."
new_db "$db_src"
python3 "$gen" "$tables" 200 200 >"$work/schema.sql"
psql_file "$db_src" "$work/schema.sql" load || { cat "$work/load.psql.err" >&2; die "loading src failed"; }
if [ "$rows_per_table" -gt 0 ]; then
  python3 "$here/make_changes.py" rows "$tables" "$rows_per_table" >"$work/rows.sql"
  psql_file "$db_src" "$work/rows.sql" rows || { cat "$work/rows.psql.err" >&2; die "loading rows into src failed"; }
fi
q -d "$db_src" -c "VACUUM ANALYZE" >/dev/null
new_db "$db_dst" "$db_src"
python3 "$here/make_changes.py" changes "$tables" >"$work/changes.sql"
psql_file "$db_dst" "$work/changes.sql" changes || { cat "$work/changes.psql.err" >&2; die "applying make_changes.py to dst failed"; }
q -d "$db_dst" -c "VACUUM ANALYZE" >/dev/null
got=$(q -d "$db_dst" -c "SELECT (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                           WHERE c.relnamespace = 'public'::regnamespace AND a.attname LIKE 'extra\_%' AND NOT a.attisdropped)
                          || ' ' || (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE '%\_bidx')")
[ "$got" = "200 100" ] || die "dst has $got added columns and indexes, expected 200 100"
hash_src=$(schema_hash "$db_src") || die "cannot hash src"
hash_dst=$(schema_hash "$db_dst") || die "cannot hash dst"
[ "$hash_src" != "$hash_dst" ] || die "src and dst have the same schema hash after make_changes.py"
printf 'bench: src and dst ready in %s s (200 added columns, 100 added indexes, 40 changed CHECKs); dst %s\n' \
  "$(elapsed "$start" "$EPOCHREALTIME")" "$hash_dst"
url_src=$(url_part with_db "$db_src")
url_dst=$(url_part with_db "$db_dst")

# timed NAME CMD...: one run, stdout in $work/NAME.raw; prints "seconds kb exit cpu_seconds".
# keel may exit 3 ("found differences", like drift); anything else but 0 fails.
timed() {
  local name=$1 start end status=0
  shift
  start=$EPOCHREALTIME
  "$gnu_time" -f '%e %M %U %S' -o "$work/time" "$@" >"$work/$name.raw" 2>"$work/$name.err" || status=$?
  end=$EPOCHREALTIME
  if [ "$status" -ne 0 ] && ! { [ "$name" = keel ] && [ "$status" -eq 3 ]; }; then
    echo "bench: $name failed (exit $status, $(elapsed "$start" "$end") s):" >&2
    sed 's/^/  /' "$work/$name.err" "$work/$name.raw" | tail -n 20 >&2
    return 1
  fi
  tail -n 1 "$work/time" | awk -v s="$(elapsed "$start" "$end")" -v x="$status" '{ printf "%s %s %s %.2f\n", s, $2, x, $3 + $4 }'
}

# migra's stdout starts with pg-promise's "WARNING: Creating a duplicate
# database object ..." and its stack ("    at ..." lines): not SQL.
strip_migra() {
  awk '/^WARNING:/ { skip = 1; next } skip && /^ +at / { next } { skip = 0; print }' "$1"
}

keel_s=() keel_kb=() keel_sum=() migra_s=() migra_kb=() migra_sum=()
keel_status=
run_tool() {
  local tool=$1 run=$2 r s kb status cpu
  if [ "$tool" = keel ]; then
    r=$(timed keel "$keel" --format text diff --from "$url_src" --to "$url_dst" --sql) || return 1
    read -r s kb status cpu <<<"$r"
    cp "$work/keel.raw" "$work/keel.sql"
    keel_s+=("$s") keel_kb+=("$kb") keel_sum+=("$(sha256sum <"$work/keel.sql" | cut -c1-16)")
    keel_status=$status
  else
    r=$(timed migra "$migra" "$url_src" "$url_dst" --unsafe) || return 1
    read -r s kb status cpu <<<"$r"
    strip_migra "$work/migra.raw" >"$work/migra.sql"
    migra_s+=("$s") migra_kb+=("$kb") migra_sum+=("$(sha256sum <"$work/migra.sql" | cut -c1-16)")
  fi
  printf 'bench: run %d: %-5s %8.3f s  cpu %6.2f s %7.1f MB  %d lines of output (exit %d)\n' \
    "$run" "$tool" "$s" "$cpu" "$(mb "$kb")" "$(wc -l <"$work/$tool.sql")" "$status"
}

failed=0
for ((i = 1; i <= runs; i++)); do
  # Interleaved, each first in every other run, so both see the same machine state.
  order=(keel migra)
  [ $((i % 2)) -eq 1 ] || order=(migra keel)
  for tool in "${order[@]}"; do
    [ "$tool" = migra ] || [ "$keel_has_diff" -eq 1 ] || continue
    run_tool "$tool" "$i" || { failed=1; break 2; }
  done
done
[ "$failed" -eq 0 ] || { echo "bench: FAILED (see above)" >&2; exit 1; }

# statements FILE: "<count> (<count> <kind>, ...)" for the SQL in FILE
# (comments, quotes and dollar quotes understood; kinds from the first words;
# BEGIN/COMMIT named but not counted).
statements() {
  python3 - "$1" <<'PY'
import re, sys
from collections import Counter
text = open(sys.argv[1]).read()
stmts, cur, i, n = [], [], 0, len(text)
while i < n:
    c = text[i]
    if text.startswith("--", i):
        j = text.find("\n", i); i = n if j < 0 else j + 1; continue
    if text.startswith("/*", i):
        j = text.find("*/", i + 2); i = n if j < 0 else j + 2; continue
    if c in "'\"":
        j = i + 1
        while j < n and not (text[j] == c and not text.startswith(c * 2, j)):
            j += 2 if text.startswith(c * 2, j) else 1
        cur.append(text[i:j + 1]); i = j + 1; continue
    m = re.match(r"\$[A-Za-z_0-9]*\$", text[i:i + 64]) if c == "$" else None
    if m:
        j = text.find(m.group(0), i + len(m.group(0)))
        j = n if j < 0 else j + len(m.group(0))
        cur.append(text[i:j]); i = j; continue
    if c == ";":
        s = "".join(cur).strip()
        if s: stmts.append(s)
        cur = []; i += 1; continue
    cur.append(c); i += 1
if "".join(cur).strip(): stmts.append("".join(cur).strip())
kinds, txn = Counter(), Counter()
for s in stmts:
    l = " ".join(s.lower().split())
    if l.split()[0] in ("begin", "commit", "start", "rollback", "end"):
        txn[l.split()[0].upper()] += 1
    elif l.startswith("alter table"):
        parts = []
        for clause in ("add column", "drop column", "drop constraint", "validate constraint"):
            parts += [clause] * l.count(clause)
        adds = len(re.findall(r"add constraint", l))
        nv = l.count("not valid")
        parts += ["add constraint not valid"] * nv + ["add constraint"] * (adds - nv)
        if not parts:
            parts = ["alter table (other)"]
        kinds["alter table: " + " + ".join(sorted(set(parts)))] += 1
    elif l.startswith("create index concurrently") or l.startswith("create unique index concurrently"):
        kinds["create index concurrently"] += 1
    elif l.startswith("create index") or l.startswith("create unique index"):
        kinds["create index"] += 1
    else:
        kinds[" ".join(l.split()[:2])] += 1
extra = ("; and " + ", ".join(f"{v} {k}" for k, v in txn.items())) if txn else ""
print(f"{sum(kinds.values())} (" + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) + extra + ")")
PY
}

# round_trip TOOL: its rt database (a copy of src) plus TOOL's SQL; prints "yes" or "no",
# and why to $work/TOOL.why.
round_trip() {
  local tool=$1 db=${db_rt[$1]} h
  : >"$work/$tool.why"
  if ! psql_file "$db" "$work/$tool.sql" "$tool"; then
    { echo "psql stopped at the first error:"
      grep -m 1 -A 3 'ERROR:' "$work/$tool.psql.err" || tail -n 5 "$work/$tool.psql.err"; } >"$work/$tool.why"
    echo no
    return
  fi
  if ! h=$(schema_hash "$db" 2>"$work/$tool.why"); then
    echo no
    return
  fi
  if [ "$h" = "$hash_dst" ]; then
    echo yes
  else
    { echo "schema hash $h, dst's $hash_dst; keel drift of $db against dst:"
      "$keel" --url "$(url_part with_db "$db")" --quiet --format text drift --against "$url_dst" 2>&1 | head -n 25 || true; } >"$work/$tool.why"
    echo no
  fi
}

echo
tools=(migra)
[ "$keel_has_diff" -eq 0 ] || tools=(keel migra)
rt_keel=n/a rt_migra=n/a stm_keel=n/a stm_migra=n/a
for tool in "${tools[@]}"; do
  new_db "${db_rt[$tool]}" "$db_src" # here, not in round_trip's subshell: created_dbs must see it
  rt=$(round_trip "$tool")
  stm=$(statements "$work/$tool.sql")
  if [ "$tool" = keel ]; then sums=$(distinct "${keel_sum[@]}"); else sums=$(distinct "${migra_sum[@]}"); fi
  printf 'bench: %-5s round trip: %s; output %s across %d runs; statements: %s\n' "$tool" "$rt" \
    "$([ "$sums" -eq 1 ] && echo identical || echo "DIFFERS ($sums versions)")" "$runs" "$stm"
  [ ! -s "$work/$tool.why" ] || sed 's/^/bench:   /' "$work/$tool.why"
  if [ "$tool" = keel ]; then rt_keel=$rt stm_keel=${stm%% *}; else rt_migra=$rt stm_migra=${stm%% *}; fi
  if [ "$tool" = keel ] && grep -q '^-- keel:no-transaction' "$work/keel.sql"; then
    echo "bench:   keel's no-transaction part starts at line $(grep -n -m 1 '^-- keel:no-transaction' "$work/keel.sql" | cut -d: -f1) of $(wc -l <"$work/keel.sql")"
  fi
  # Keep one output of each for a look after the run.
  cp "$work/$tool.sql" "/tmp/keel-bench-diff.$tool.sql"
  echo "bench:   output kept in /tmp/keel-bench-diff.$tool.sql"
done

keel_row="- - -"
[ "$keel_has_diff" -eq 0 ] || keel_row="$(median "${keel_s[@]}") $(maximum "${keel_kb[@]}") $keel_status"
python3 - "$runs" "$tables" "$keel_row" "$(median "${migra_s[@]}") $(maximum "${migra_kb[@]}")" \
  "$rt_keel" "$rt_migra" "$stm_keel" "$stm_migra" <<'PY'
import sys
runs, tables = int(sys.argv[1]), int(sys.argv[2])
k, m = sys.argv[3].split(), sys.argv[4].split()
rt_keel, rt_migra, stm_keel, stm_migra = sys.argv[5:9]
TARGET = 20.0
load = " ".join(open("/proc/loadavg").read().split()[:3])
ms, mmb = float(m[0]), int(m[1]) / 1024
have_keel = k[0] != "-"
print()
print(f"keel diff --sql vs migra --unsafe, {tables:,} tables (200 added columns, 100 added indexes, "
      f"40 changed CHECKs): median wall time of {runs} runs, peak RSS")
print(f"(ratio = migra / keel; round trip = the output applied to a copy of src gives dst's schema hash)")
head = (f"{'tables':>6}  {'keel med s':>10}  {'keel peak MB':>12}  {'migra med s':>11}  {'migra peak MB':>13}"
        f"  {'ratio':<14}  {'round trip keel/migra':<21}  {'statements keel/migra':<21}  load average")
print(head)
print("-" * len(head))
if have_keel:
    ks, kmb = float(k[0]), int(k[1]) / 1024
    ratio = ms / ks if ks > 0 else float("inf")
    rtext = f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"
    kcols = f"{ks:>10.3f}  {kmb:>12.1f}"
else:
    rtext, kcols = "n/a", f"{'n/a':>10}  {'n/a':>12}"
print(f"{tables:>6}  {kcols}  {ms:>11.3f}  {mmb:>13.1f}  {rtext:<14}  {rt_keel + ' / ' + rt_migra:<21}"
      f"  {stm_keel + ' / ' + stm_migra:<21}  {load}")
print()
if not have_keel:
    print("keel not measured: this keel has no 'diff' subcommand")
elif ratio >= TARGET and rt_keel == "yes":
    print(f"target met: keel {ratio:.1f}× faster than migra (≥{TARGET:.0f}×), with a correct round trip")
else:
    if ratio < TARGET:
        print(f"TARGET MISSED: keel is {rtext} than migra, target ≥{TARGET:.0f}× faster")
    if rt_keel != "yes":
        print("TARGET MISSED: keel's output does not round-trip")
if have_keel and k[2] != "0":
    print(f"note: keel diff exited {k[2]} (taken as 'differences found')")
if rt_migra != "yes":
    print("finding: migra's output does not round-trip (see above)")
PY

if [ "$keel_has_diff" -eq 0 ]; then
  echo "bench: INCOMPLETE: keel has no 'diff' subcommand, only migra was measured" >&2
  exit 1
fi
if [ "$rt_keel" != yes ]; then
  echo "bench: FAILED: keel's output does not round-trip (see above)" >&2
  exit 1
fi

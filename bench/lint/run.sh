#!/usr/bin/env bash
# Benchmark: `keel lint` against squawk (../shared/PEERS.md) on one file of
# 20,000 PostgreSQL migration statements.
#
#   bench/lint/run.sh KEEL_BINARY
#
# Generates the file (gen_statements.py next to this script: a realistic mix
# of CREATE TABLE, indexes with and without CONCURRENTLY, ADD COLUMN with
# constant and volatile defaults, constraints with and without NOT VALID, SET
# NOT NULL, type changes, renames, drops, batched and unbatched DML, comments),
# installs squawk-cli (pinned) into ${KEEL_PEERS_DIR:-/tmp/keel-peers} with
# npm, runs both tools 3 times interleaved (json output for both), and prints
# the median wall time, the peak RSS, the ratio and each tool's finding
# count. Target: keel no slower than squawk ("target met" / "TARGET MISSED").
# Environment: BENCH_STATEMENTS=20000, BENCH_RUNS=3, KEEL_PEERS_DIR.
# Exit status: 0 when every run worked (a missed target is printed, not a
# failure), 1 when a run failed, 2 on bad usage.
set -euo pipefail

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")

# shellcheck source=bench/lib.sh
source "$here/../lib.sh"

bench_start "$@"

squawk_version=2.66.0
statements=${BENCH_STATEMENTS:-20000}
runs=${BENCH_RUNS:-3}
peers=${KEEL_PEERS_DIR:-/tmp/keel-peers}
positive_int BENCH_RUNS "$runs"
positive_int BENCH_STATEMENTS "$statements"

need_gnu_time
for tool in python3 npm node; do
  command -v "$tool" >/dev/null || die "'$tool' not found (Debian: apt-get install python3 npm)"
done

squawk=$peers/node_modules/.bin/squawk
if ! [ -x "$squawk" ] || ! "$squawk" --version 2>/dev/null | grep -q "$squawk_version"; then
  echo "bench: installing squawk-cli@$squawk_version into $peers ..."
  mkdir -p "$peers"
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error "squawk-cli@$squawk_version" >/dev/null ||
    die "npm install squawk-cli@$squawk_version failed"
fi
[ -x "$squawk" ] || die "$squawk missing after npm install"

work=$(mktemp -d /tmp/keel-bench-lint.XXXXXX)
trap 'rm -rf "$work"' EXIT
sql=$work/migration.sql
python3 "$here/gen_statements.py" "$statements" >"$sql"
echo "bench: $(grep -c ';$' "$sql") statements, $(wc -c <"$sql") bytes in $sql"
echo "bench: $("$keel" --version | head -n 1) at $keel; squawk $("$squawk" --version 2>/dev/null | head -n 1); $(nproc) cores"
read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "bench: warning: load average $load1 on $(nproc) cores; other work on this machine makes the figures noisy"
fi

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# run NAME CMD...: one timed run; prints "seconds kb". Exit 0 or the tool's
# "found something" status (keel 3, squawk 1) count as success.
run() {
  local name=$1 start end status=0
  shift
  start=$EPOCHREALTIME
  "$gnu_time" -f '%e %M' -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
  end=$EPOCHREALTIME
  if [ "$status" -ne 0 ] && ! { [ "$name" = keel ] && [ "$status" -eq 3 ]; } &&
     ! { [ "$name" = squawk ] && [ "$status" -eq 1 ]; }; then
    echo "bench: $name failed (exit $status):" >&2
    tail -n 20 "$work/$name.err" >&2
    return 1
  fi
  echo "$(elapsed "$start" "$end") $(tail -n 1 "$work/time" | awk '{print $2}')"
}

count_findings() {
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[2]))
if sys.argv[1] == "keel":
    print(len(doc["findings"]))
elif isinstance(doc, list):
    print(sum(len(f.get("violations", [])) if isinstance(f, dict) and "violations" in f else 1 for f in doc))
else:
    print(len(doc.get("violations", doc.get("files", []))))
PY
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }

keel_s=() keel_kb=() squawk_s=() squawk_kb=()
for ((i = 1; i <= runs; i++)); do
  r=$(run keel "$keel" --format json lint --pg-version 15 "$sql") || exit 1
  read -r s kb <<<"$r"
  keel_s+=("$s") keel_kb+=("$kb")
  printf 'bench: run %d: keel   %7.3f s %7.1f MB\n' "$i" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
  r=$(run squawk "$squawk" --reporter json --pg-version 15 "$sql") || exit 1
  read -r s kb <<<"$r"
  squawk_s+=("$s") squawk_kb+=("$kb")
  printf 'bench: run %d: squawk %7.3f s %7.1f MB\n' "$i" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
done
keel_n=$(count_findings keel "$work/keel.out")
squawk_n=$(count_findings squawk "$work/squawk.out")

python3 - "$runs" "$statements" "$(median "${keel_s[@]}")" "$(maximum "${keel_kb[@]}")" \
  "$(median "${squawk_s[@]}")" "$(maximum "${squawk_kb[@]}")" "$keel_n" "$squawk_n" <<'PY'
import sys
runs, n = int(sys.argv[1]), int(sys.argv[2])
ks, kkb, ss, skb = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
kn, sn = sys.argv[7], sys.argv[8]
load = " ".join(open("/proc/loadavg").read().split()[:3])
print()
print(f"keel lint vs squawk on {n:,} statements: median wall time of {runs} runs, peak RSS (load average now {load})")
print(f"{'tool':<8} {'median s':>9} {'peak MB':>8} {'findings':>9}")
print(f"{'keel':<8} {ks:>9.3f} {kkb / 1024:>8.1f} {kn:>9}")
print(f"{'squawk':<8} {ss:>9.3f} {skb / 1024:>8.1f} {sn:>9}")
ratio = ss / ks if ks > 0 else float("inf")
print(f"ratio: keel is {ratio:.2f}x {'faster' if ratio >= 1 else 'slower'}" if ratio >= 1 else f"ratio: keel is {1 / ratio:.2f}x slower")
print("target met: keel no slower than squawk" if ks <= ss else "TARGET MISSED: keel is slower than squawk")
PY

#!/usr/bin/env bash
# Benchmark: schema changes under load, without downtime (the method is in
# /work/shared/zero_downtime.md). Five changes, each made three ways on the
# same data while pgbench runs, side by side:
#
#   bench/zero_downtime/run.sh KEEL_BINARY
#
# Scenarios: int_to_bigint (users.counter int -> bigint), add_not_null (a new
# column email_lower text NOT NULL filled with lower(email)), rename_column
# (email -> email_address), add_foreign_key (users.org_id -> orgs.id),
# add_unique (users.email). Methods:
#   naive        the plain DDL a developer writes, through psql;
#   fixed_batch  pgroll's method in SQL: a new column kept in sync by a
#                trigger, a backfill in keyset batches of 1,000 rows with a
#                fixed 10 ms pause, the online forms (CHECK NOT VALID +
#                VALIDATE, FOREIGN KEY NOT VALID + VALIDATE, CREATE UNIQUE
#                INDEX CONCURRENTLY), then the swap; its DDL runs with
#                lock_timeout FIXED_LOCK_TIMEOUT (pgroll's default, 500ms),
#                retried up to 10 times;
#   keel         an operation migration (pgroll's YAML format) run by
#                `keel apply --complete` (start, complete, finalize); see
#                run_keel, the one place keel's flags are set.
#
# It starts its own PostgreSQL 15 primary and a streaming standby (physical
# slot) on free loopback ports under a mktemp folder, as user postgres when
# run as root, fsync on; builds users(id, email, counter, org_id, payload) of
# ROWS rows and orgs(id) of 100 rows in a template database, and copies it
# for each run. Each run: pgbench -c 8 -j 2 --rate RATE, 70 % SELECT by id,
# 30 % UPDATE counter by id, every client with statement_timeout 500ms, a
# per-transaction log; the change starts WARMUP s after the load; the standby
# lag is sampled every 100 ms while the change runs (pg_stat_replication on
# the primary: replay_lag, and the bytes from replay_lsn to the current WAL
# position); the load stops TAIL s after the change (SIGALRM: pgbench's own
# end of -T), at the latest after DURATION s (pgbench -T). Latency is from the
# scheduled start; baseline = transactions scheduled before the change (the
# load's first second left out), during = scheduled while it ran. One plain
# UPDATE of the whole table per scenario, without load, gives the reference
# rows/s for the backfill; keel's backfill rate is its "backfilled N rows"
# line over the time since the line before it. In rename_column the read
# script selects payload instead of email (an application cannot read a
# column renamed under it).
#
# Prints the machine, one markdown table of all runs (latency from the
# scheduled start, baseline / during the change, failed transactions,
# duration, backfill rows/s, standby lag) and keel's targets ("met" /
# "MISSED"); writes the same to bench/zero_downtime/results/last.json.
#
# Environment: ROWS=5000000, RATE=400, WARMUP=20, DURATION=600 (the longest
# the load may run), TAIL=5, SCENARIOS (space or comma separated subset of the
# five), METHODS (subset of naive fixed_batch keel keel_walcap; default the first three; WAL_CAP
# for keel_walcap, MB/s, default 16), FIXED_LOCK_TIMEOUT=500ms,
# PG_BIN=/usr/lib/postgresql/15/bin.
# Exit status: 0 when every run worked (a missed target is printed, not a
# failure), 1 when a run failed or left the wrong schema, 2 on bad usage.
set -euo pipefail

script=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script")

# shellcheck source=bench/lib.sh
source "$here/../lib.sh"

bench_start "$@"

rows=${ROWS:-5000000}
rate=${RATE:-400}
warmup=${WARMUP:-20}
duration=${DURATION:-600}
tail_s=${TAIL:-5}
positive_int ROWS "$rows"
positive_int RATE "$rate"
positive_int WARMUP "$warmup"
positive_int DURATION "$duration"
positive_int TAIL "$tail_s"
[ "$duration" -gt $((warmup + tail_s)) ] || die "DURATION ($duration) must be more than WARMUP + TAIL ($((warmup + tail_s)))"
fixed_lock_timeout=${FIXED_LOCK_TIMEOUT:-500ms}
[[ "$fixed_lock_timeout" =~ ^[1-9][0-9]*(ms|s)$ ]] || die "FIXED_LOCK_TIMEOUT must look like 500ms or 2s"

all_scenarios=(int_to_bigint add_not_null rename_column add_foreign_key add_unique)
all_methods=(naive fixed_batch keel keel_walcap)
# pick ARRAY NAME "VALUE" KNOWN...: sets ARRAY to the words of VALUE (spaces or
# commas), each one of KNOWN.
pick() {
  local -n into=$1
  local name=$2 value=$3 word known ok
  shift 3
  into=()
  for word in ${value//,/ }; do
    ok=0
    for known in "$@"; do [ "$word" != "$known" ] || ok=1; done
    [ "$ok" -eq 1 ] || die "$name: unknown '$word'; known: $*"
    into+=("$word")
  done
}
scenarios=() methods=()
pick scenarios SCENARIOS "${SCENARIOS:-${all_scenarios[*]}}" "${all_scenarios[@]}"
pick methods METHODS "${METHODS:-naive fixed_batch keel}" "${all_methods[@]}"
[ "${#scenarios[@]}" -gt 0 ] || die "SCENARIOS names no scenario"
[ "${#methods[@]}" -gt 0 ] || die "METHODS names no method"

clients=8
settle=1 # seconds at the load's start left out of the baseline (connections, caches)

# The tools: PostgreSQL 15's own first on PATH.
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl postgres pg_basebackup; do
  [ -x "$pg_bin/$tool" ] || die "$pg_bin/$tool not found: install PostgreSQL 15 (Debian: apt-get install postgresql-15) or set PG_BIN"
done
export PATH="$pg_bin:$PATH"
command -v psql >/dev/null || die "'psql' not found (Debian: apt-get install postgresql-client-15)"
command -v pgbench >/dev/null || die "'pgbench' not found (Debian: apt-get install postgresql-15, or postgresql-contrib)"
command -v python3 >/dev/null || die "'python3' not found (Debian: apt-get install python3)"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  command -v runuser >/dev/null || die "'runuser' not found (Debian: util-linux); needed to run PostgreSQL as user postgres"
  id postgres >/dev/null 2>&1 || die "user 'postgres' missing (Debian's postgresql-15 package creates it); the server refuses to run as root"
  as_pg=(runuser -u postgres --)
fi
pg() { "${as_pg[@]}" "$@"; }

# The workspace, the servers and every background process go on exit, Ctrl-C included.
work=$(mktemp -d /tmp/keel-bench-zd.XXXXXX)
chmod 755 "$work"
pgdir=$work/pg
mkdir "$pgdir"
[ "${#as_pg[@]}" -eq 0 ] || chown postgres: "$pgdir"
bg_pids=()
cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  touch "$work/stop_sampler" 2>/dev/null || true
  for pid in "${bg_pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  for dir in standby primary; do
    [ ! -f "$pgdir/$dir/postmaster.pid" ] || pg "$pg_bin/pg_ctl" -D "$pgdir/$dir" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The primary: fsync stays on; a physical slot and a streaming standby.
pg "$pg_bin/initdb" -D "$pgdir/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; die "initdb failed"; }
cat >>"$pgdir/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pgdir'
shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 15min
CONF
port=$(free_port)
pg "$pg_bin/pg_ctl" -D "$pgdir/primary" -w -t 60 -l "$pgdir/primary.log" -o "-p $port" start >/dev/null ||
  { cat "$pgdir/primary.log" >&2; die "the primary did not start on port $port"; }
pg_opts=(-h 127.0.0.1 -p "$port" -U postgres)
pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$pgdir/standby" -R -X stream -C -S zd_standby >"$work/basebackup.log" 2>&1 ||
  { cat "$work/basebackup.log" >&2; die "pg_basebackup failed"; }
standby_port=$(free_port)
pg "$pg_bin/pg_ctl" -D "$pgdir/standby" -w -t 60 -l "$pgdir/standby.log" -o "-p $standby_port -c cluster_name=zd_standby" start >/dev/null ||
  { cat "$pgdir/standby.log" >&2; die "the standby did not start on port $standby_port"; }
for ((i = 0; ; i++)); do
  [ "$(q -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  [ "$i" -lt 150 ] || { tail -n 20 "$pgdir/standby.log" >&2; die "the standby is not streaming after 30 s"; }
  sleep 0.2
done

# wait_standby: until the standby has replayed all WAL written so far.
wait_standby() {
  local target i
  target=$(q -d postgres -c "SELECT pg_current_wal_lsn()")
  for ((i = 0; i < 3000; i++)); do
    [ "$(q -d postgres -c "SELECT coalesce(bool_and(replay_lsn >= '$target'), false) FROM pg_stat_replication")" = t ] && return 0
    sleep 0.2
  done
  die "the standby did not catch up with $target in 600 s"
}

server_version=$(q -d postgres -c "SHOW server_version")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram_gib=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
keel_version=$("$keel" --version 2>/dev/null | head -n 1 || echo keel)
echo "bench: machine: $(nproc) cores, ${cpu:-unknown CPU}, $ram_gib GiB RAM; PostgreSQL $server_version (primary :$port, standby :$standby_port)"
echo "bench: $keel_version at $keel; $(pgbench --version)"
echo "bench: ROWS=$rows RATE=$rate WARMUP=$warmup DURATION=$duration TAIL=$tail_s; scenarios: ${scenarios[*]}; methods: ${methods[*]}"
read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "bench: warning: load average $load1 on $(nproc) cores; other work on this machine makes the figures noisy"
fi

# The template: every run copies it.
bench_t0=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
q -d postgres -c "CREATE DATABASE zd_template"
q -d zd_template <<SQL >/dev/null
CREATE TABLE orgs (id int PRIMARY KEY);
INSERT INTO orgs SELECT generate_series(0, 99);
CREATE TABLE users (id bigint NOT NULL, email text NOT NULL, counter int NOT NULL DEFAULT 0,
                    org_id int, payload text);
INSERT INTO users SELECT i, 'user' || i || '@example.com', 0, i % 100, md5(i::text)
  FROM generate_series(1, $rows) AS i;
ALTER TABLE users ADD PRIMARY KEY (id);
VACUUM ANALYZE;
SQL
prewarm=0
if q -d zd_template -c "CREATE EXTENSION pg_prewarm" 2>"$work/prewarm.err"; then
  prewarm=1
else
  echo "bench: warning: no pg_prewarm ($(head -n 1 "$work/prewarm.err")); the tables are not prewarmed"
fi
q -d postgres -c "CHECKPOINT"
wait_standby
echo "bench: template zd_template: $rows users, $(q -d zd_template -c "SELECT pg_size_pretty(pg_database_size('zd_template'))") ($(elapsed "$bench_t0" "$EPOCHREALTIME") s)"

# The load: 70 % reads, 30 % updates by id.
cat >"$work/read.sql" <<SQL
\\set id random(1, $rows)
SELECT email FROM users WHERE id = :id;
SQL
cat >"$work/read_payload.sql" <<SQL
\\set id random(1, $rows)
SELECT payload FROM users WHERE id = :id;
SQL
cat >"$work/write.sql" <<SQL
\\set id random(1, $rows)
UPDATE users SET counter = counter + 1 WHERE id = :id;
SQL

# keel's operation migrations: one folder per scenario.
mkdir "$work/migrations"
keel_migration() {
  local dir=$work/migrations/$1
  mkdir -p "$dir"
  case $1 in
    int_to_bigint) cat >"$dir/0001_int_to_bigint.yaml" <<'YAML' ;;
operations:
  - alter_column:
      table: users
      column: counter
      type: bigint
      up: counter::bigint
      down: counter::int
YAML
    add_not_null) cat >"$dir/0001_add_not_null.yaml" <<'YAML' ;;
operations:
  - add_column:
      table: users
      up: lower(email)
      column:
        name: email_lower
        type: text
        nullable: false
YAML
    rename_column) cat >"$dir/0001_rename_column.yaml" <<'YAML' ;;
operations:
  - rename_column:
      table: users
      from: email
      to: email_address
YAML
    add_foreign_key) cat >"$dir/0001_add_foreign_key.yaml" <<'YAML' ;;
operations:
  - create_constraint:
      table: users
      name: users_org_fk
      type: foreign_key
      columns: [org_id]
      references:
        table: orgs
        columns: [id]
      up:
        org_id: org_id
      down:
        org_id: org_id
YAML
    add_unique) cat >"$dir/0001_add_unique.yaml" <<'YAML' ;;
operations:
  - create_constraint:
      table: users
      name: users_email_key
      type: unique
      columns: [email]
      up:
        email: email
      down:
        email: email
YAML
  esac
}

# run_keel DB SCENARIO: the keel invocation, the one place to change its flags.
run_keel() {
  (cd "$work" && "$keel" --url "postgresql://postgres@127.0.0.1:$port/$1" apply --complete --dir "$work/migrations/$2")
}

# wait_keel: the binary may be rebuilt under the benchmark; wait up to 5 minutes for it.
wait_keel() {
  local i
  for ((i = 0; i < 60; i++)); do
    [ -x "$keel" ] && "$keel" --version >/dev/null 2>&1 && return 0
    [ "$i" -gt 0 ] || echo "bench: $keel missing or not runnable; waiting for it (up to 5 min)"
    sleep 5
  done
  return 1
}

# ddl DB SQL: SQL in one transaction with lock_timeout $fixed_lock_timeout,
# retried after a lock timeout (up to 10 tries, 100 ms more each time).
ddl() {
  local db=$1 sql=$2 try
  for ((try = 1; try <= 10; try++)); do
    if q -d "$db" -c "SET lock_timeout = '$fixed_lock_timeout'" -c "$sql" 2>"$work/ddl.err"; then
      return 0
    fi
    grep -q "lock timeout" "$work/ddl.err" || { cat "$work/ddl.err" >&2; return 1; }
    echo "lock timeout ($fixed_lock_timeout) on try $try: $sql"
    [ "$try" -eq 10 ] || sleep "$(awk -v t="$try" 'BEGIN { print t / 10 }')"
  done
  cat "$work/ddl.err" >&2
  return 1
}

# Keyset batches of 1,000 ids, one COMMIT each, a fixed 10 ms pause: every row
# touched so that the sync trigger fills the new column (pgroll's backfill).
backfill_fixed() {
  q -d "$1" -c "SET client_min_messages = notice" -c "DO \$\$
DECLARE
  last_id bigint := 0;
  hi bigint;
  n bigint := 0;
  c bigint;
  t0 timestamptz := clock_timestamp();
BEGIN
  LOOP
    SELECT max(id) INTO hi FROM (SELECT id FROM users WHERE id > last_id ORDER BY id LIMIT 1000) b;
    EXIT WHEN hi IS NULL;
    UPDATE users SET id = id WHERE id > last_id AND id <= hi;
    GET DIAGNOSTICS c = ROW_COUNT;
    n := n + c;
    last_id := hi;
    COMMIT;
    PERFORM pg_sleep(0.01);
  END LOOP;
  RAISE NOTICE 'zd_backfill rows=% seconds=%', n, extract(epoch FROM clock_timestamp() - t0);
END
\$\$" 2>&1
}

# fixed_rebuild DB COLUMN NEW TYPE EXPR NOT_NULL: pgroll's expand for one
# column: NEW beside COLUMN (or a new column when COLUMN is empty), a trigger
# computing NEW from EXPR on every write, the backfill, NOT NULL through a
# validated CHECK. The caller adds the constraint online and swaps.
fixed_rebuild() {
  local db=$1 new=$3 type=$4 expr=$5 not_null=$6
  ddl "$db" "ALTER TABLE users ADD COLUMN $new $type"
  ddl "$db" "CREATE FUNCTION zd_sync() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.$new := $expr; RETURN NEW; END \$\$;
             CREATE TRIGGER zd_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION zd_sync()"
  backfill_fixed "$db"
  if [ "$not_null" = 1 ]; then
    ddl "$db" "ALTER TABLE users ADD CONSTRAINT zd_not_null CHECK ($new IS NOT NULL) NOT VALID"
    q -d "$db" -c "ALTER TABLE users VALIDATE CONSTRAINT zd_not_null"
  fi
}
# fixed_swap DB COLUMN NEW NOT_NULL EXTRA: one transaction: the trigger goes,
# NEW takes COLUMN's place (when COLUMN is set), NOT NULL from the CHECK, EXTRA.
fixed_swap() {
  local db=$1 col=$2 new=$3 not_null=$4 extra=$5 sql="DROP TRIGGER zd_sync ON users; DROP FUNCTION zd_sync();"
  local final=$new
  if [ -n "$col" ]; then
    sql+=" ALTER TABLE users DROP COLUMN $col; ALTER TABLE users RENAME COLUMN $new TO $col;"
    final=$col
  fi
  [ "$not_null" != 1 ] || sql+=" ALTER TABLE users ALTER COLUMN $final SET NOT NULL; ALTER TABLE users DROP CONSTRAINT zd_not_null;"
  ddl "$db" "$sql $extra"
}

# change_METHOD SCENARIO DB: the change itself (run with set -e in a subshell).
change_naive() {
  local db=$2
  case $1 in
    int_to_bigint) q -d "$db" -c "ALTER TABLE users ALTER COLUMN counter TYPE bigint" ;;
    add_not_null)
      q -d "$db" -c "ALTER TABLE users ADD COLUMN email_lower text" \
        -c "UPDATE users SET email_lower = lower(email)" \
        -c "ALTER TABLE users ALTER COLUMN email_lower SET NOT NULL"
      ;;
    rename_column) q -d "$db" -c "ALTER TABLE users RENAME COLUMN email TO email_address" ;;
    add_foreign_key) q -d "$db" -c "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)" ;;
    add_unique) q -d "$db" -c "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)" ;;
  esac
}
change_fixed_batch() {
  local db=$2
  case $1 in
    int_to_bigint)
      fixed_rebuild "$db" counter counter_new bigint "NEW.counter" 1
      fixed_swap "$db" counter counter_new 1 "ALTER TABLE users ALTER COLUMN counter SET DEFAULT 0;"
      ;;
    add_not_null)
      fixed_rebuild "$db" "" email_lower text "lower(NEW.email)" 1
      fixed_swap "$db" "" email_lower 1 ""
      ;;
    rename_column) ddl "$db" "ALTER TABLE users RENAME COLUMN email TO email_address" ;;
    add_foreign_key)
      fixed_rebuild "$db" org_id org_id_new int "NEW.org_id" 0
      ddl "$db" "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id_new) REFERENCES orgs (id) NOT VALID"
      q -d "$db" -c "ALTER TABLE users VALIDATE CONSTRAINT users_org_fk"
      fixed_swap "$db" org_id org_id_new 0 ""
      ;;
    add_unique)
      fixed_rebuild "$db" email email_new text "NEW.email" 1
      q -d "$db" -c "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email_new)"
      fixed_swap "$db" email email_new 1 "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"
      ;;
  esac
}
change_keel() { run_keel "$2" "$1"; }
# keel with its WAL cap (max_wal_mb_per_second = WAL_CAP, default 16): the writeback mitigation,
# run only when METHODS names it.
change_keel_walcap() {
  mkdir -p "$work/walcap"
  printf '[backfill]\nmax_wal_mb_per_second = %s\n' "${WAL_CAP:-16}" >"$work/walcap/keel.toml"
  (cd "$work/walcap" && "$keel" --url "postgresql://postgres@127.0.0.1:$port/$2" apply --complete --dir "$work/migrations/$1")
}

# check SCENARIO DB: prints what the change left, to compare with expected SCENARIO.
check() {
  local db=$2
  case $1 in
    int_to_bigint) q -d "$db" -c "SELECT format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END
                                  FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'counter'" ;;
    add_not_null) q -d "$db" -c "SELECT format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END
                                   || (SELECT CASE WHEN count(*) = 0 THEN '' ELSE ', ' || count(*) || ' rows wrong' END
                                         FROM users WHERE email_lower IS DISTINCT FROM lower(email))
                                 FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_lower'" ;;
    rename_column) q -d "$db" -c "SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute
                                  WHERE attrelid = 'users'::regclass AND attname IN ('email', 'email_address') AND NOT attisdropped" ;;
    add_foreign_key) q -d "$db" -c "SELECT string_agg(pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END, '; ')
                                    FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'f'" ;;
    add_unique) q -d "$db" -c "SELECT string_agg(pg_get_constraintdef(oid), '; ') FROM pg_constraint
                               WHERE conrelid = 'users'::regclass AND contype = 'u'" ;;
  esac
}
expected() {
  case $1 in
    int_to_bigint) echo "bigint not null" ;;
    add_not_null) echo "text not null" ;;
    rename_column) echo "email_address" ;;
    add_foreign_key) echo "FOREIGN KEY (org_id) REFERENCES orgs(id)" ;;
    add_unique) echo "UNIQUE (email)" ;;
  esac
}
# notes SCENARIO DB: what else changed that the change did not ask for (printed, not a failure).
notes() {
  case $1 in
    int_to_bigint)
      local d
      d=$(q -d "$2" -c "SELECT coalesce(pg_get_expr(adbin, adrelid), 'none') FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
                        WHERE attrelid = 'users'::regclass AND attname = 'counter'")
      [ "$d" = 0 ] || echo "users.counter's DEFAULT 0 was lost (default now: $d)"
      ;;
  esac
}

# The reference: one plain UPDATE of the whole table, no load, per scenario with a backfill.
reference_update() {
  local scenario=$1 type expr out ms
  case $scenario in
    int_to_bigint) type=bigint expr=counter ;;
    add_not_null) type=text expr="lower(email)" ;;
    add_foreign_key) type=int expr=org_id ;;
    add_unique) type=text expr=email ;;
    *) return 0 ;;
  esac
  q -d postgres -c "CREATE DATABASE zd_reference TEMPLATE zd_template STRATEGY FILE_COPY"
  [ "$prewarm" -eq 0 ] || q -d zd_reference -c "SELECT pg_prewarm('users'), pg_prewarm('users_pkey')" >/dev/null
  q -d zd_reference -c "CHECKPOINT"
  wait_standby
  out=$(psql -X -q -v ON_ERROR_STOP=1 "${pg_opts[@]}" -d zd_reference -c "ALTER TABLE users ADD COLUMN zd_reference $type" \
    -c "\\timing on" -c "UPDATE users SET zd_reference = $expr") || die "the reference UPDATE failed for $scenario"
  ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)
  [ -n "$ms" ] || die "no timing in psql's output: $out"
  q -d postgres -c "DROP DATABASE zd_reference"
  # keel's own backfill, unthrottled (latency_limit_percent = 0), no load: the rate the target
  # compares with the plain UPDATE's. Only the start (keel apply), in a keel.toml of its own.
  local keel_rate=""
  if [ -n "$keel" ] && wait_keel; then
    q -d postgres -c "CREATE DATABASE zd_keelref TEMPLATE zd_template STRATEGY FILE_COPY"
    [ "$prewarm" -eq 0 ] || q -d zd_keelref -c "SELECT pg_prewarm('users'), pg_prewarm('users_pkey')" >/dev/null
    q -d zd_keelref -c "CHECKPOINT"
    wait_standby
    mkdir -p "$work/unthrottled"
    printf '[backfill]\nlatency_limit_percent = 0\n' >"$work/unthrottled/keel.toml"
    (cd "$work/unthrottled" && "$keel" --url "postgresql://postgres@127.0.0.1:$port/zd_keelref" apply \
      --dir "$work/migrations/$scenario") >"$work/unthrottled/out" 2>&1 || echo "bench: keel's unthrottled start failed: $(tail -n 2 "$work/unthrottled/out")"
    keel_rate=$(sed -n 's/.*backfilled [0-9]* rows of .* (\([0-9.]*\) rows\/s).*/\1/p' "$work/unthrottled/out" | tail -n 1)
    q -d postgres -c "DROP DATABASE zd_keelref"
  fi
  python3 -c 'import json, sys; r, ms = int(sys.argv[2]), float(sys.argv[3]); k = float(sys.argv[4]) if sys.argv[4] else None; print(json.dumps({"scenario": sys.argv[1], "rows": r, "seconds": ms / 1000, "rows_per_s": r / (ms / 1000), "keel_unthrottled_rows_per_s": k}))' \
    "$scenario" "$rows" "$ms" "$keel_rate" >>"$work/reference.jsonl"
  printf 'bench: %-16s plain UPDATE users SET zd_reference = %s, no load: %.2f s; keel unthrottled, no load: %s rows/s\n' "$scenario" "$expr" "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" "${keel_rate:--}"
}

# sampler DB: the standby lag every 100 ms on one psql session, until $work/stop_sampler exists.
start_sampler() {
  rm -f "$work/stop_sampler"
  (
    while [ ! -e "$work/stop_sampler" ]; do
      echo "SELECT extract(epoch FROM clock_timestamp()), coalesce(max(extract(epoch FROM replay_lag) * 1000), 0),
                   coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0), count(*) FROM pg_stat_replication;"
      sleep 0.1
    done | psql -X -q -At -F ' ' "${pg_opts[@]}" -d postgres >"$1" 2>"$1.err"
  ) &
  sampler_pid=$!
  bg_pids+=("$sampler_pid")
}
stop_sampler() {
  touch "$work/stop_sampler"
  wait "$sampler_pid" || true
}

stamp() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

# run_one SCENARIO METHOD: a copy of the template, the load, the change, the figures.
failures=0
run_one() {
  local scenario=$1 method=$2 db=zd_$1_$2 dir=$work/runs/$1_$2 read_sql=$work/read.sql
  local load_start t0 t1 rc pgbench_pid got want error="" ok=true
  mkdir -p "$dir"
  [ "$scenario" != rename_column ] || read_sql=$work/read_payload.sql
  if [[ $method == keel* ]] && ! wait_keel; then
    error="keel binary $keel missing or not runnable"
  fi
  q -d postgres -c "CREATE DATABASE $db TEMPLATE zd_template STRATEGY FILE_COPY"
  [ "$prewarm" -eq 0 ] || q -d "$db" -c "SELECT pg_prewarm('users'), pg_prewarm('users_pkey'), pg_prewarm('orgs')" >/dev/null
  q -d "$db" -c "CHECKPOINT"
  wait_standby
  # The previous run's writes (a dropped copy, a rewritten table) still being
  # written back by the kernel would stall this run's baseline commits.
  sync -f "$pgdir/primary" 2>/dev/null || sync
  : >"$dir/lag"
  : >"$dir/change.out"
  load_start=$EPOCHREALTIME
  PGOPTIONS="-c statement_timeout=500ms" pgbench -n -h 127.0.0.1 -p "$port" -U postgres -c "$clients" -j 2 --rate "$rate" \
    -T "$duration" --max-tries=10 --failures-detailed -l --log-prefix="$dir/lat" \
    -f "$read_sql@70" -f "$work/write.sql@30" "$db" >"$dir/pgbench.out" 2>&1 &
  pgbench_pid=$!
  bg_pids+=("$pgbench_pid")
  sleep "$(awk -v s="$load_start" -v now="$EPOCHREALTIME" -v w="$warmup" 'BEGIN { d = s + w - now; printf "%.3f", (d > 0 ? d : 0) }')"
  kill -0 "$pgbench_pid" 2>/dev/null || error="the load (pgbench) ended before the change: $(grep -m 1 -i error "$dir/pgbench.out" || true)"
  start_sampler "$dir/lag"
  t0=$EPOCHREALTIME
  if [ -z "$error" ]; then
    set +e
    (set -e; "change_$method" "$scenario" "$db") 2>&1 | stamp >"$dir/change.out"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 0 ] || error="exit status $rc: $(cut -d ' ' -f 2- "$dir/change.out" | grep -v '^ *$' | tail -n 3 | paste -sd ' ')"
  fi
  t1=$EPOCHREALTIME
  stop_sampler
  sleep "$tail_s"
  kill -ALRM "$pgbench_pid" 2>/dev/null || true # pgbench's end of -T: it reports and flushes its logs
  wait "$pgbench_pid" || true
  if [ -z "$error" ]; then
    got=$(check "$scenario" "$db" 2>&1) || true
    want=$(expected "$scenario")
    [ "$got" = "$want" ] || error="wrong result: expected '$want', found '$got'"
  fi
  [ -z "$error" ] || ok=false
  local notes_text
  notes_text=$( [ -n "$error" ] || notes "$scenario" "$db" 2>&1 || true)
  python3 "$here/analyze.py" --logs "$dir/lat.*" --pgbench-out "$dir/pgbench.out" --lag "$dir/lag" \
    --change-out "$dir/change.out" --load-start "$load_start" --t0 "$t0" --t1 "$t1" --settle "$settle" \
    --clients "$clients" --rate "$rate" >"$dir/analysis.json"
  python3 - "$dir/analysis.json" "$scenario" "$method" "$ok" "$error" "$notes_text" "$dir/change.out" "$t0" >>"$work/runs.jsonl" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
notes = [n for n in sys.argv[6].split("\n") if n]
if a["load_ended_before_change"]:
    notes.append("all clients aborted before the change ended" if a["all_clients_aborted"]
                 else "the load ended before the change did: raise DURATION")
if a["lag_samples_without_standby"]:
    notes.append(f"{a['lag_samples_without_standby']} lag samples found no standby connected")
change = []  # the change's output, each line with its time since the change started
for line in open(sys.argv[7]).read().splitlines():
    stamp, _, text = line.partition(" ")
    change.append(f"+{float(stamp) - float(sys.argv[8]):.3f} s {text}")
a.update({"scenario": sys.argv[2], "method": sys.argv[3], "ok": sys.argv[4] == "true",
          "error": sys.argv[5] or None, "notes": notes, "change_output": change[-40:]})
print(json.dumps(a))
PY
  python3 - "$work/runs.jsonl" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
f = lambda v: "-" if v is None else f"{v:.2f}"
b, d = r["baseline"], r["during"]
status = "ok" if r["ok"] else "FAILED: " + r["error"]
print(f"bench: {r['scenario']:<16} {r['method']:<11} change {r['change_s']:.2f} s  p99 {f(b['p99_ms'])} -> {f(d['p99_ms'])} ms"
      f"  max {f(d['max_ms'])} ms  failed {r['failed']}  lag {r['max_lag_ms']:.0f} ms  {status}")
for n in r["notes"]:
    print(f"bench:   note: {n}")
PY
  if [ "$ok" != true ]; then
    failures=$((failures + 1))
    awk -v t0="$t0" '{ s = $1; $1 = ""; printf "    | +%.3f s%s\n", s - t0, $0 }' "$dir/change.out" | tail -n 20
  fi
  q -d postgres -c "DROP DATABASE $db"
  rm -rf "$dir"
  bg_pids=()
}

: >"$work/runs.jsonl"
: >"$work/reference.jsonl"
total=$((${#scenarios[@]} * ${#methods[@]}))
n=0
for scenario in "${scenarios[@]}"; do
  keel_migration "$scenario"
  reference_update "$scenario"
  for method in "${methods[@]}"; do
    n=$((n + 1))
    echo "bench: [$n/$total] $scenario / $method ..."
    run_one "$scenario" "$method"
  done
done

mkdir -p "$here/results"
python3 - "$work/meta.json" "$(nproc)" "$cpu" "$ram_gib" "$server_version" "$keel_version" "$keel" \
  "$rows" "$rate" "$warmup" "$duration" "$tail_s" "$fixed_lock_timeout" "$(elapsed "$bench_t0" "$EPOCHREALTIME")" <<'PY'
import json, sys, time
a = sys.argv
json.dump({"machine": {"cores": int(a[2]), "cpu": a[3], "ram_gib": float(a[4]), "postgresql": a[5],
                       "loadavg_at_end": open("/proc/loadavg").read().split()[:3]},
           "keel": {"version": a[6], "binary": a[7]},
           "settings": {"rows": int(a[8]), "rate": int(a[9]), "warmup": int(a[10]), "duration": int(a[11]),
                        "tail": int(a[12]), "clients": 8, "threads": 2, "statement_timeout": "500ms",
                        "fixed_batch_lock_timeout": a[13], "fsync": "on", "shared_buffers": "256MB"},
           "seconds": float(a[14]),
           "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, open(a[1], "w"), indent=2)
PY
python3 "$here/report.py" "$work/runs.jsonl" "$work/reference.jsonl" "$work/meta.json" "$here/results/last.json"
echo
echo "bench: results in $here/results/last.json ($(elapsed "$bench_t0" "$EPOCHREALTIME") s)"
if [ "$failures" -ne 0 ]; then
  echo "bench: FAILED: $failures run(s) failed or left the wrong schema (see above)" >&2
  exit 1
fi

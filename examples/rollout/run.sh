#!/usr/bin/env bash
# keel rollout, end to end on loopback: a PostgreSQL primary and a streaming standby
# (scripts/with-postgres.sh), one PgBouncer per schema version, HAProxy in front of both, and
# pgbench clients that open one session per transaction (-C) through HAProxy at a fixed rate.
#
#   examples/rollout/run.sh KEEL_BINARY [OUT_DIR]
#
# 1. A healthy rollout: 5 -> 25 -> 50 -> 100 % of sessions to the new version, each step held,
#    then keel complete.
# 2. A regressed one: the same change on a second database whose new version's view turns slow
#    (pg_sleep in it) once 25 % of sessions use it; the p99 breaker trips and every new session
#    goes back to the old version.
# Writes both HTML reports and both JSON results into OUT_DIR (default ./rollout-example) and
# prints pgbench's failed transactions (0 expected). Exits 0 when all of that held.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 KEEL_BINARY [OUT_DIR]" >&2
  exit 2
fi
keel_bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out_dir=$(mkdir -p "${2:-rollout-example}" && cd "${2:-rollout-example}" && pwd)

if [ -z "${KEEL_TEST_PG_URL:-}" ]; then
  exec "$repo/scripts/with-postgres.sh" "$0" "$keel_bin" "$out_dir"
fi
pg_bin=${KEEL_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
base=${KEEL_TEST_PG_URL%/*}
pg_hostport=${base#*@}
pg_host=${pg_hostport%:*}
pg_port=${pg_hostport#*:}
work=$(mktemp -d /tmp/keel-rollout.XXXXXX)
chmod 755 "$work"
as_user=()
if [ "$(id -u)" = 0 ]; then
  # PgBouncer and HAProxy refuse to run as root: they run as postgres and write their logs here.
  as_user=(runuser -u postgres --)
  chown postgres "$work"
fi
pids=()
cleanup() {
  # The servers themselves first: runuser then ends on its own, without a word.
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=examples/demo/lib.sh
. "$repo/examples/demo/lib.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# pgbouncer NAME PORT SEARCH_PATH DATABASE...: one pool per database, each session on SEARCH_PATH.
pgbouncer() {
  local name=$1 port=$2 path=$3
  shift 3
  {
    echo "[databases]"
    for db in "$@"; do
      echo "$db = host=$pg_host port=$pg_port dbname=$db user=postgres connect_query='SET search_path = $path'"
    done
    cat <<INI
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $work/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
ignore_startup_parameters = extra_float_digits, search_path
logfile = $work/$name.log
INI
  } >"$work/$name.ini"
  "${as_user[@]}" /usr/sbin/pgbouncer -q "$work/$name.ini" &
  pids+=($!)
  wait_port "$port" || fail "pgbouncer $name did not start"
}

old_port=$(free_port)
new_port=$(free_port)
proxy_port=$(free_port)
admin_port=$(free_port)
metrics_port=$(free_port)
echo '"postgres" ""' >"$work/users.txt"

for db in healthy regressed; do
  psql -X -q "$KEEL_TEST_PG_URL" -c "CREATE DATABASE $db" || exit 1
done
mkdir -p "$work/migrations"
cat >"$work/migrations/0001_init.up.sql" <<'SQL'
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, visits int NOT NULL DEFAULT 0);
INSERT INTO users (id, name) SELECT g, 'user ' || g FROM generate_series(1, 50000) g;
SQL
cat >"$work/migrations/0002_rename.yaml" <<'YAML'
operations:
  - rename_column: {table: users, from: name, to: full_name}
YAML
# A read and a write both versions serve, one session each (pgbench -C).
cat >"$work/load.sql" <<'SQL'
\set id random(1, 50000)
SELECT id, visits FROM users WHERE id = :id;
UPDATE users SET visits = visits + 1 WHERE id = :id;
SQL

step "PostgreSQL $pg_port with a streaming standby; PgBouncer $old_port (old version), $new_port (new), HAProxy $proxy_port"
pgbouncer old "$old_port" public_0001_init healthy regressed
pgbouncer new "$new_port" public_0002_rename healthy regressed
cat >"$work/haproxy.cfg" <<CFG
global
  stats socket ipv4@127.0.0.1:$admin_port level admin
defaults
  mode tcp
  timeout connect 2s
  timeout client 60s
  timeout server 60s
frontend pg
  bind 127.0.0.1:$proxy_port
  default_backend postgres
backend postgres
  balance roundrobin
  server old 127.0.0.1:$old_port weight 100
  server new 127.0.0.1:$new_port weight 0
CFG
"${as_user[@]}" /usr/sbin/haproxy -db -f "$work/haproxy.cfg" 2>"$work/haproxy.log" &
pids+=($!)
wait_port "$proxy_port" && wait_port "$admin_port" || fail "haproxy did not start: $(cat "$work/haproxy.log")"

# rollout DB: apply (start 0002), pgbench through HAProxy, keel rollout; prints the result.
rollout() {
  local db=$1
  local dir="$work/$db"
  mkdir -p "$dir"
  cp -r "$work/migrations" "$dir/"
  cat >"$dir/keel.toml" <<TOML
[environments.prod]
url = "$base/$db"
tier = "prod"

[rollout]
router = "haproxy"
haproxy_admin = "127.0.0.1:$admin_port"
old_url = "postgresql://postgres@127.0.0.1:$old_port/$db"
new_url = "postgresql://postgres@127.0.0.1:$new_port/$db"
pgbouncer_admin_urls = ["postgresql://postgres@127.0.0.1:$old_port/pgbouncer", "postgresql://postgres@127.0.0.1:$new_port/pgbouncer"]
probe_query = "SELECT id, visits FROM users WHERE id = 1"
probe_interval = "10ms"
sample_interval = "500ms"
window = "3s"
min_samples = 50
slo_p99 = "20ms"
metrics_listen = "127.0.0.1:$metrics_port"

[rollout.prod]
steps = [5, 25, 50, 100]
hold = "${HOLD:-5s}"
TOML
  (cd "$dir" && "$keel_bin" --env prod apply >"$dir/apply.out" 2>&1) || fail "apply on $db: $(cat "$dir/apply.out")"
  # exec: $! is pgbench itself, which SIGALRM ends as its own -T would (with its summary).
  (cd "$dir" && exec "$pg_bin/pgbench" -n -C -c 4 -j 2 -R "${RATE:-100}" -T 3600 -f "$work/load.sql" \
    "postgresql://postgres@127.0.0.1:$proxy_port/$db" >"$dir/pgbench.out" 2>&1) &
  local load=$!
  sleep 2
  (cd "$dir" && "$keel_bin" --env prod --format json rollout >"$dir/result.json" 2>"$dir/rollout.log")
  local status=$?
  kill -ALRM "$load" 2>/dev/null
  wait "$load" 2>/dev/null
  local failed
  failed=$(grep -oE 'number of failed transactions: [0-9]+' "$dir/pgbench.out" | grep -oE '[0-9]+$' || echo "?")
  local done
  done=$(grep -oE 'number of transactions actually processed: [0-9]+' "$dir/pgbench.out" | grep -oE '[0-9]+$' || echo "?")
  note "keel rollout exit $status: $(cat "$dir/result.json")"
  note "pgbench through HAProxy: $done transactions, $failed failed"
  [ "$failed" = 0 ] || fail "$db: $failed failed client transactions"
  local run_id
  run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$dir/result.json")
  (cd "$dir" && "$keel_bin" report "$run_id" -o "$out_dir/$db.html" >/dev/null) || fail "report of $db"
  cp "$dir/result.json" "$out_dir/$db.json"
  cp "$dir/rollout.log" "$out_dir/$db.log"
  cp "$work/haproxy.log" "$out_dir/haproxy.log" 2>/dev/null
  return $status
}

step "1. A healthy rollout: 5 -> 25 -> 50 -> 100 %, then complete"
rollout healthy
[ $? = 0 ] || fail "the healthy rollout did not hold"

step "2. A regressed rollout: the new version's view turns slow at 25 %"
(
  url="$base/regressed"
  dir="$work/regressed"
  for _ in $(seq 1200); do
    sleep 0.1
    grep -qs '"event":"routed".*"percent":25' "$dir"/.keel/log/rollouts/prod/*.jsonl && break
  done
  # Still a simple updatable view (the clients' writes keep working), 30 ms slower a row.
  psql -X -q "$url" <<'SQL'
CREATE FUNCTION public.slow() RETURNS boolean LANGUAGE plpgsql VOLATILE AS
  $$BEGIN PERFORM pg_sleep(0.03); RETURN true; END$$;
DO $$BEGIN
  EXECUTE format('CREATE OR REPLACE VIEW public_0002_rename.users WITH (security_invoker = true) AS %s WHERE public.slow()',
                 rtrim(pg_get_viewdef('public_0002_rename.users'::regclass), ';'));
END$$;
SQL
  echo "    (the new version's view now sleeps 30 ms a row)"
) &
slow=$!
rollout regressed
status=$?
wait "$slow"
[ $status = 3 ] || fail "the regressed rollout did not trip (exit $status)"

step "Reports"
note "$out_dir/healthy.html, $out_dir/regressed.html (keel report RUN_ID)"
if [ "$failures" -gt 0 ]; then
  echo "rollout example: $failures unexpected result(s)" >&2
  exit 1
fi
echo "rollout example: every expectation held"

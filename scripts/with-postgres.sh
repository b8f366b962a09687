#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server on a free loopback port,
# its own data directory, stopped and removed afterwards.
#   scripts/with-postgres.sh CMD [ARGS...]
# The command sees KEEL_TEST_PG_URL (superuser, trust auth),
# KEEL_TEST_PG_BIN and KEEL_TEST_PG_STANDBY_URL: a streaming standby of it
# (pg_basebackup, its own port and data directory; KEEL_TEST_STANDBY=0: none). The role "keel_auth_test" must log in with a password
# (scram-sha-256), so tests can check authentication errors.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || { echo "with-postgres: $PG_BIN/initdb not found; run 'make deps'" >&2; exit 1; }

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

work=$(mktemp -d /tmp/keel-pg.XXXXXX)
chmod 755 "$work"
data="$work/data"
port=$(free_port)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb and postgres refuse to run as root: use Debian's postgres user.
  chown postgres:postgres "$work"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  [ ! -d "$work/standby" ] || "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$work/standby" -m immediate stop >/dev/null 2>&1 || true
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_owner[@]}" "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; exit 1; }
cat >"$data/pg_hba.conf" <<HBA
local all all trust
host  all keel_auth_test 127.0.0.1/32 scram-sha-256
host  all all 127.0.0.1/32 trust
host  replication all 127.0.0.1/32 trust
HBA
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data" -w -l "$work/server.log" \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$work/server.log" >&2; exit 1; }

if [ "${KEEL_TEST_STANDBY:-1}" != 0 ]; then
  # A physical slot keeps the WAL a stopped or paused standby still needs.
  "${as_owner[@]}" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$work/standby" -R -X stream \
    -C -S keel_test_standby >"$work/basebackup.log" 2>&1 || { cat "$work/basebackup.log" >&2; exit 1; }
  standby_port=$(free_port)
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$work/standby" -w -l "$work/standby.log" \
    -o "-p $standby_port -k $work -c listen_addresses=127.0.0.1 -c cluster_name=keel_test_standby -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$work/standby.log" >&2; exit 1; }
  export KEEL_TEST_PG_STANDBY_URL="postgresql://postgres@127.0.0.1:$standby_port/postgres"
fi
export KEEL_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export KEEL_TEST_PG_BIN="$PG_BIN"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port${standby_port:+, standby on 127.0.0.1:$standby_port}"
set +e
"$@"
status=$?
set -e
exit $status

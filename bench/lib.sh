# shellcheck shell=bash
# Shared start of every bench/*/run.sh (sourced, not run):
#   bench_start "$@"        checks usage, sets $keel (absolute path of KEEL_BINARY)
#   positive_int NAME VALUE dies unless VALUE is a positive integer
#   need_gnu_time           sets $gnu_time, installing Debian's 'time' if missing
# Each script defines nothing of these itself; `die` exits 1, `usage` 2.

usage() { echo "usage: $0 KEEL_BINARY" >&2; exit 2; }
die() { echo "bench: $*" >&2; exit 1; }

bench_start() {
  [ $# -eq 1 ] || usage
  keel=$(readlink -f "$1" 2>/dev/null || true)
  if [ -z "$keel" ] || [ ! -x "$keel" ] || [ ! -f "$keel" ]; then
    die "keel binary '$1' not found or not executable (run 'make build')"
  fi
}

positive_int() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer"
}

# GNU time for peak RSS; the shell keyword `time` cannot report memory.
need_gnu_time() {
  gnu_time=/usr/bin/time
  "$gnu_time" -f '%e %M' true >/dev/null 2>&1 && return 0
  echo "bench: GNU time missing; installing Debian package 'time'" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q time >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q time >/dev/null; } ||
    die "cannot install package 'time'"
  "$gnu_time" -f '%e %M' true >/dev/null 2>&1 || die "$gnu_time does not work after installing 'time'"
}

# The server in $KEEL_TEST_PG_URL, for psql: url_part (host, port, user,
# password, with_db DB, dbmate DB), pg_host/pg_port/pg_user, PGPASSWORD,
# pg_opts and q (psql, quiet, unaligned, stop on error).
url_part() {
  python3 - "$KEEL_TEST_PG_URL" "$1" "${2:-}" <<'PY'
import sys, urllib.parse as up
u = up.urlsplit(sys.argv[1]); what = sys.argv[2]
if what == "host": print(u.hostname or "127.0.0.1")
elif what == "port": print(u.port or 5432)
elif what == "user": print(up.unquote(u.username or "postgres"))
elif what == "password": print(up.unquote(u.password or ""))
elif what == "with_db": print(up.urlunsplit((u.scheme, u.netloc, "/" + up.quote(sys.argv[3]), u.query, u.fragment)))
elif what == "dbmate":
    # dbmate (lib/pq) wants postgres://, and TLS off unless the URL asks for it.
    q = up.parse_qs(u.query, keep_blank_values=True)
    q.setdefault("sslmode", ["disable"])
    query = up.urlencode(q, doseq=True)
    print(up.urlunsplit(("postgres", u.netloc, "/" + up.quote(sys.argv[3]), query, u.fragment)))
PY
}
pg_from_url() {
  pg_host=$(url_part host)
  pg_port=$(url_part port)
  pg_user=$(url_part user)
  local pg_password
  pg_password=$(url_part password)
  [ -z "$pg_password" ] || export PGPASSWORD="$pg_password"
  pg_opts=(-h "$pg_host" -p "$pg_port" -U "$pg_user")
}
q() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 "${pg_opts[@]}" "$@"; }

# A work folder /tmp/PREFIX.XXXXXX ($work) and the databases a run creates
# ($created_dbs), both removed on exit; databases are left to a throwaway
# server (KEEL_BENCH_OWN_SERVER=1), which goes away with its data (and
# DROP DATABASE of 10,000 tables takes minutes).
bench_workspace() {
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  created_dbs=()
  drop_dbs=1
  [ "${KEEL_BENCH_OWN_SERVER:-}" != 1 ] || drop_dbs=0
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local db
  if [ "$drop_dbs" -eq 1 ]; then
    for db in "${created_dbs[@]}"; do
      q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$work"
}

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

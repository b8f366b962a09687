#!/usr/bin/env bash
# Installs the Debian 12 packages keel needs to build, test and benchmark;
# only those missing. Needs root (or sudo) when something is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang-format
  libpq-dev libpqxx-dev libpg-query-dev libsqlite3-dev sqlite3 libmariadb-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libyaml-cpp-dev libvalijson-dev libfmt-dev libspdlog-dev
  libssl-dev libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  prometheus-cpp-dev
  postgresql-15 postgresql-client-15 pgbouncer haproxy chromium python3
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "keel: installing missing packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

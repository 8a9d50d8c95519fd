#!/usr/bin/env bash
# Installs (when missing) and starts Debian's PostgreSQL on 127.0.0.1:5432 with a test role and
# database, then prints the TEST_DATABASE_URL the test suites read. Idempotent; needs root.
set -euo pipefail

if [[ $# -ne 0 ]]; then
  echo "usage: $0   (no arguments; prints TEST_DATABASE_URL)" >&2
  exit 2
fi

role=birthdays_test
database=birthdays_test
password=birthdays_test # a throwaway local test role, reachable from loopback only

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client >&2
fi

version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 30); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432; then break; fi
  sleep 1
done
runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not become ready on 127.0.0.1:5432" >&2; exit 1; }

psql_admin() { runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres -tA "$@"; }
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${role}'")" ]]; then
  psql_admin -c "CREATE ROLE ${role} LOGIN PASSWORD '${password}'" >&2
fi
# CREATEDB: the backup and restore tests work on a database of their own.
psql_admin -c "ALTER ROLE ${role} CREATEDB" >&2
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${database}'")" ]]; then
  psql_admin -c "CREATE DATABASE ${database} OWNER ${role}" >&2
fi

echo "postgres://${role}:${password}@127.0.0.1:5432/${database}"

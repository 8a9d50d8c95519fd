#!/usr/bin/env bash
# Entrypoint of the test cluster's PostgreSQL stand-in, to the official image's contract: as
# root, own PGDATA and re-run as postgres; on an empty PGDATA, initdb with POSTGRES_USER's
# password (POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE), accept password logins from the
# network (scram-sha-256), create POSTGRES_DB, run /docker-entrypoint-initdb.d; then exec the
# server. `docker-entrypoint.sh -c x=y` means `postgres -c x=y`, as in the official image.
set -euo pipefail
fail() { echo "docker-entrypoint: $*" >&2; exit 1; }

if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi
if [[ ${1:-} != postgres ]]; then exec "$@"; fi

if [[ $(id -u) == 0 ]]; then
  install -d -o postgres -g postgres -m 0700 "$PGDATA"
  install -d -o postgres -g postgres -m 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  if [[ -n ${POSTGRES_PASSWORD_FILE:-} ]]; then
    [[ -r $POSTGRES_PASSWORD_FILE ]] || fail "cannot read POSTGRES_PASSWORD_FILE $POSTGRES_PASSWORD_FILE"
    POSTGRES_PASSWORD=$(<"$POSTGRES_PASSWORD_FILE")
  fi
  [[ -n ${POSTGRES_PASSWORD:-} ]] || fail "the database is uninitialised and no superuser password is set: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE"
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
  printf '%s\n' "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  printf '%s\n' 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [[ $db != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -q \
      -c "CREATE DATABASE \"$db\""
  fi
  for file in /docker-entrypoint-initdb.d/*; do
    case $file in
      *.sh)
        # shellcheck disable=SC1090 # the image user's own initialisation scripts
        . "$file" ;;
      *.sql) psql -v ON_ERROR_STOP=1 --username "$user" --dbname "$db" -q -f "$file" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "docker-entrypoint: initialised $PGDATA with database $db for $user"
fi
exec "$@"

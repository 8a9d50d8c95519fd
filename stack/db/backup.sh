#!/usr/bin/env bash
# Scheduled pg_dump backups with retention, and their restore. Runs in the db stack's backup
# service (stack/db.yml), which has the PostgreSQL client tools; scripts/db-restore.sh calls it.
#   db-backup schedule        back up now, then every BACKUP_INTERVAL_SECONDS; prune each time
#   db-backup now             one backup and a prune
#   db-backup list            the backups, newest first
#   db-backup restore NAME    replace the database's contents with backup NAME (from list)
# Connection: the usual PG* variables, the password from PGPASSWORD_FILE.
set -euo pipefail

fail() { echo "db-backup: $*" >&2; exit 1; }

backup_dir=${BACKUP_DIR:-/var/lib/postgresql/backups}
interval=${BACKUP_INTERVAL_SECONDS:-21600}
retention_days=${BACKUP_RETENTION_DAYS:-7}
[[ $interval =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_INTERVAL_SECONDS must be a whole number of seconds above 0, got '$interval'"
[[ $retention_days =~ ^[0-9]+$ ]] || fail "BACKUP_RETENTION_DAYS must be a whole number of days, got '$retention_days'"
[[ -n ${PGDATABASE:-} ]] || fail "PGDATABASE must name the database"
if [[ -n ${PGPASSWORD_FILE:-} ]]; then
  [[ -r $PGPASSWORD_FILE ]] || fail "PGPASSWORD_FILE $PGPASSWORD_FILE cannot be read"
  PGPASSWORD=$(<"$PGPASSWORD_FILE")
  export PGPASSWORD
fi

log() { printf '{"time":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

# Written under a temporary name and renamed when complete: a failed dump is never a backup.
backup_now() {
  local name partial
  mkdir -p "$backup_dir" || { echo "db-backup: cannot create $backup_dir" >&2; return 1; }
  name="$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
  partial="$backup_dir/.$name.partial"
  if ! pg_dump --format=custom --file="$partial"; then
    rm -f "$partial"
    echo "db-backup: pg_dump of $PGDATABASE failed" >&2
    return 1
  fi
  mv "$partial" "$backup_dir/$name" || { echo "db-backup: cannot move $partial into place" >&2; return 1; }
  log "backup written: $name ($(stat -c %s "$backup_dir/$name") bytes)"
}

# Backups older than the retention go. It runs only after a successful backup, so the newest
# dump is always a fresh one, however long the database was unreachable before.
prune() {
  find "$backup_dir" -maxdepth 1 -name '*.dump' -mmin "+$((retention_days * 1440))" -print -delete |
    while read -r removed; do log "backup removed after ${retention_days} days: ${removed##*/}"; done
}

list_backups() {
  [[ -d $backup_dir ]] || return 0
  find "$backup_dir" -maxdepth 1 -name '*.dump' -printf '%T@ %f\n' | sort -rn | cut -d' ' -f2
}

restore() {
  local name=${1:-}
  [[ -n $name ]] || fail "restore needs a backup name (db-backup list shows them)"
  [[ $name != */* && $name == *.dump ]] || fail "backup name '$name' must be a file name from db-backup list"
  [[ -f $backup_dir/$name ]] || fail "no backup named $name in $backup_dir"
  # One transaction: a restore that fails part-way leaves the database as it was.
  pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
    --dbname="$PGDATABASE" "$backup_dir/$name" || fail "pg_restore of $name failed; the database is unchanged"
  log "restored $name into $PGDATABASE"
}

schedule() {
  local sleeper=
  # The sleep goes too: left behind, it would hold the container's (or caller's) output open.
  trap 'if [[ -n $sleeper ]]; then kill "$sleeper" 2>/dev/null; fi; exit 0' TERM INT
  while true; do
    # A failed backup is logged and retried at the next interval; the service keeps running.
    if backup_now; then prune; fi
    sleep "$interval" &
    sleeper=$!
    wait "$sleeper"
  done
}

case ${1:-} in
  schedule) schedule ;;
  now) backup_now && prune ;;
  list) list_backups ;;
  restore) restore "${2:-}" ;;
  *) fail "usage: db-backup schedule|now|list|restore NAME" ;;
esac

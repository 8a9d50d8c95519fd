#!/usr/bin/env bash
# Restores a backup taken by the db stack's backup service (stack/db.yml), or lists or takes one.
# Run it as root or a docker-group user on the node labelled db=true, where that service runs:
#   scripts/db-restore.sh --list            the backups, newest first
#   scripts/db-restore.sh --backup-now      take one now (before a migration, for instance)
#   scripts/db-restore.sh [--yes] NAME      replace the database's contents with backup NAME
# The restore is one transaction: if it fails, the database is left as it was.
set -euo pipefail

fail() { echo "db-restore: $*" >&2; exit 1; }
usage="usage: $0 --list | --backup-now | [--yes] BACKUP_NAME"

service=${DB_BACKUP_SERVICE:-db_backup}
assume_yes=0
action=
name=
while [[ $# -gt 0 ]]; do
  case $1 in
    --list) action=list ;;
    --backup-now) action=now ;;
    --yes) assume_yes=1 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) fail "unknown option $1 ($usage)" ;;
    *) [[ -z $name ]] || fail "one backup name at a time ($usage)"; action=restore; name=$1 ;;
  esac
  shift
done
[[ -n $action ]] || fail "$usage"

command -v docker >/dev/null 2>&1 || fail "needs the docker command"
container=$(docker ps --quiet --filter "label=com.docker.swarm.service.name=$service" | head -n 1) ||
  fail "cannot list containers: is dockerd running and may this user use it?"
if [[ -z $container ]]; then
  node=$(docker service ps --filter desired-state=running --format '{{.Node}}' "$service" 2>/dev/null | head -n 1 || true)
  [[ -n $node ]] && fail "the $service task runs on node $node; run this there"
  fail "no running $service task: deploy the db stack first (docker stack deploy -c stack/db.yml db)"
fi

case $action in
  list) docker exec "$container" db-backup list ;;
  now) docker exec "$container" db-backup now ;;
  restore)
    if [[ $assume_yes -ne 1 ]]; then
      [[ -t 0 ]] || fail "restoring replaces the database's contents; pass --yes when not at a terminal"
      read -r -p "Replace the contents of the database with $name? [y/N] " answer
      [[ $answer == [yY]* ]] || fail "not restored"
    fi
    docker exec "$container" db-backup restore "$name"
    ;;
esac

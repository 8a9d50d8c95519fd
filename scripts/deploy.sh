#!/usr/bin/env bash
# Deploys the platform's Swarm stacks in dependency order, on a manager:
#   scripts/deploy.sh [--env FILE] [STACK ...]
# STACK is any of db proxy monitoring app autoscaler (default: all, in that order). Settings come
# from FILE (default stack/.env when it exists) and the environment, as stack/.env.example lists.
# Creates the overlay networks when missing, refuses when a secret the stacks need is missing, and
# names the Swarm configs after a hash of their files, so changed files roll out on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "deploy: $*" >&2; exit 1; }

all_stacks=(db proxy monitoring app autoscaler)
env_file=
stacks=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --env) [[ $# -ge 2 ]] || fail "--env needs a file"; env_file=$2; shift ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option $1" ;;
    *) [[ " ${all_stacks[*]} " == *" $1 "* ]] || fail "unknown stack $1 (one of: ${all_stacks[*]})"; stacks+=("$1") ;;
  esac
  shift
done
[[ ${#stacks[@]} -gt 0 ]] || stacks=("${all_stacks[@]}")
if [[ -z $env_file && -f stack/.env ]]; then env_file=stack/.env; fi
if [[ -n $env_file ]]; then
  [[ -r $env_file ]] || fail "cannot read $env_file"
  set -a
  # shellcheck disable=SC1090 # the operator's settings file
  . "$env_file"
  set +a
fi

command -v docker >/dev/null 2>&1 || fail "needs the docker command"
[[ $(docker info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]] || fail "this node is not a Swarm manager (docker swarm init, or run it on a manager)"

# The group that may use the Docker socket, for Prometheus and the autoscaler.
if [[ -z ${DOCKER_GID:-} ]] && getent group docker >/dev/null; then
  DOCKER_GID=$(getent group docker | cut -d: -f3)
  export DOCKER_GID
fi

# Every config file a stack mounts: their hash names this revision unless CONFIG_VERSION is set.
if [[ -z ${CONFIG_VERSION:-} ]]; then
  CONFIG_VERSION=$(bash stack/config-version.sh)
  export CONFIG_VERSION
fi

for network in platform-public platform-monitoring platform-db; do
  if ! docker network inspect "$network" >/dev/null 2>&1; then
    docker network create --driver overlay --attachable "$network" >/dev/null
    echo "deploy: created overlay network $network"
  fi
done

# External secrets of the chosen stacks, read from the files so the list cannot drift.
mapfile -t needed < <(for stack in "${stacks[@]}"; do
  # The top-level secrets block of the file itself: older clients have no `docker stack config`.
  awk '/^secrets:/ { on = 1; next } /^[^ #]/ { on = 0 } on && /^  [a-z_]+:$/ { sub(/:$/, "", $1); print $1 }' "stack/$stack.yml"
done | sort -u)
missing=()
for secret in "${needed[@]}"; do
  docker secret inspect "$secret" >/dev/null 2>&1 || missing+=("$secret")
done
[[ ${#missing[@]} -eq 0 ]] || fail "missing Docker secrets: ${missing[*]} (docs/stack.md, First deployment: printf %s VALUE | docker secret create NAME -)"

# Clients from Docker 26 on wait for convergence unless told not to; older ones have no flag.
deploy_flags=(--prune --with-registry-auth)
if docker stack deploy --help 2>/dev/null | grep -q -- '--detach'; then deploy_flags+=(--detach=true); fi
for stack in "${stacks[@]}"; do
  echo "deploy: $stack (config version $CONFIG_VERSION)"
  docker stack deploy "${deploy_flags[@]}" -c "stack/$stack.yml" "$stack"
done

#!/usr/bin/env bash
# The one way the platform's Swarm stacks are deployed, by operators, the Ansible platform role
# and the pipeline alike, on a manager or against one (DOCKER_HOST=ssh://user@manager):
#   scripts/deploy.sh [--env FILE] [--no-wait] [--with STACK=FILE] [--stack NAME=FILE] [STACK ...]
# STACK is any of stack/stacks.txt (default: DEPLOY_STACKS, else all, in its order, which --help
# lists; app brings migrate before it). Settings come from FILE (default stack/.env when it exists) and the
# environment, as stack/.env.example lists. --with adds a Compose file merged over a stack's own;
# --stack deploys one more stack file after them (the test cluster's stand-in proxy, for one).
# Creates the overlay networks the files join when missing, refuses when a secret they need is
# missing, names the Swarm configs after a hash of their files, and then waits for each stack to
# converge before the next: every task running, every update completed. It fails with one line
# naming the service that did not converge, or that Swarm rolled back, and its tasks' errors.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deploy/converge.sh
. scripts/deploy/converge.sh

fail() { echo "deploy: $*" >&2; exit 1; }

# The stacks in deployment order, from the one list of them.
mapfile -t all_stacks < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' stack/stacks.txt 2>/dev/null)
[[ ${#all_stacks[@]} -gt 0 ]] || fail "no stacks in $PWD/stack/stacks.txt"
env_file=
wait_for_convergence=1
stacks=()
declare -A extra_files=()
extra_stacks=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --env) [[ $# -ge 2 ]] || fail "--env needs a file"; env_file=$2; shift ;;
    --no-wait) wait_for_convergence=0 ;;
    --with)
      [[ $# -ge 2 && $2 == *=* ]] || fail "--with needs STACK=FILE"
      [[ -r ${2#*=} ]] || fail "cannot read ${2#*=}"
      extra_files[${2%%=*}]+=" ${2#*=}"; shift ;;
    --stack)
      [[ $# -ge 2 && $2 =~ ^[a-z][a-z0-9-]*=. ]] || fail "--stack needs NAME=FILE"
      [[ -r ${2#*=} ]] || fail "cannot read ${2#*=}"
      extra_stacks+=("$2"); shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; echo "Stacks, in order: ${all_stacks[*]}"; exit 0 ;;
    -*) fail "unknown option $1" ;;
    *) [[ " ${all_stacks[*]} " == *" $1 "* ]] || fail "unknown stack $1 (one of: ${all_stacks[*]})"; stacks+=("$1") ;;
  esac
  shift
done
if [[ -z $env_file && -f stack/.env ]]; then env_file=stack/.env; fi
if [[ -n $env_file ]]; then
  [[ -r $env_file ]] || fail "cannot read $env_file"
  set -a
  # shellcheck disable=SC1090 # the operator's settings file
  . "$env_file"
  set +a
fi

# No STACK given: the environment's DEPLOY_STACKS (its settings file may choose, e.g. a staging
# behind another proxy), else every stack.
if [[ ${#stacks[@]} -eq 0 && ${#extra_stacks[@]} -eq 0 ]]; then
  read -ra stacks <<<"${DEPLOY_STACKS:-${all_stacks[*]}}"
  for stack in "${stacks[@]}"; do
    [[ " ${all_stacks[*]} " == *" $stack "* ]] || fail "unknown stack $stack in DEPLOY_STACKS (one of: ${all_stacks[*]})"
  done
fi
# The app's release always brings its migrations first (the app only checks the schema).
if [[ " ${stacks[*]} " == *" app "* && " ${stacks[*]} " != *" migrate "* ]]; then stacks+=(migrate); fi
# In dependency order, whatever the order given.
ordered=()
for stack in "${all_stacks[@]}"; do [[ " ${stacks[*]} " == *" $stack "* ]] && ordered+=("$stack"); done
stacks=("${ordered[@]}")

# Public names and the certificate account: example values would deploy a platform that can
# never get a certificate (Let's Encrypt refuses example domains and addresses).
is_example() { [[ -z $1 || $1 =~ (^|[.@])(example\.(com|org|net)|invalid|test|localhost)$ ]]; }
if [[ " ${stacks[*]} " == *" proxy "* ]]; then
  is_example "${ACME_EMAIL:-}" && fail "set ACME_EMAIL to the address Let's Encrypt may write to (not an example address; stack/.env.example)"
  for name in APP_DOMAIN TRAEFIK_DOMAIN GRAFANA_DOMAIN; do
    is_example "${!name:-}" && fail "set $name to the public name that points at the traefik=true nodes (got '${!name:-}'; stack/.env.example)"
  done
fi

command -v docker >/dev/null 2>&1 || fail "needs the docker command"
[[ $(docker info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]] ||
  fail "${DOCKER_HOST:-this node} is not a Swarm manager (docker swarm init, or deploy on or against a manager)"
if [[ " ${stacks[*]} " == *" migrate "* ]]; then
  client=$(docker version --format '{{.Client.Version}}')
  [[ ${client%%.*} -ge 23 ]] || fail "the migrate job (mode replicated-job) needs a Docker client 23 or later; this one is $client"
fi

# The group that may use the Docker socket, for Prometheus and the autoscaler: the manager's.
if [[ -z ${DOCKER_GID:-} ]]; then
  if [[ ${DOCKER_HOST:-} == ssh://* ]]; then
    target=${DOCKER_HOST#ssh://}
    target=${target%/}
    port=22
    if [[ $target =~ :([0-9]+)$ ]]; then port=${BASH_REMATCH[1]}; target=${target%:*}; fi
    DOCKER_GID=$(ssh -p "$port" "$target" getent group docker | cut -d: -f3) || fail "cannot read the docker group on $target"
  elif getent group docker >/dev/null; then
    DOCKER_GID=$(getent group docker | cut -d: -f3)
  fi
  [[ -z ${DOCKER_GID:-} ]] || export DOCKER_GID
fi

# Every config file a stack mounts: their hash names this revision unless CONFIG_VERSION is set.
if [[ -z ${CONFIG_VERSION:-} ]]; then
  CONFIG_VERSION=$(bash stack/config-version.sh)
  export CONFIG_VERSION
fi

# Stack name and its files, in deployment order.
plan=()
for stack in "${stacks[@]}"; do plan+=("$stack=stack/$stack.yml${extra_files[$stack]:-}"); done
plan+=("${extra_stacks[@]}")

# What the chosen stacks need is read from their files themselves, so it cannot drift from them:
# their top-level blocks, as older clients have no `docker stack config`.
# The external secrets a stack file names: the keys of its secrets block.
secrets_in() { awk '/^secrets:/ { on = 1; next } /^[^ #]/ { on = 0 } on && /^  [a-z_]+:$/ { sub(/:$/, "", $1); print $1 }' "$1"; }
# The overlay networks a stack file joins: the name (else the key) of each external network.
networks_in() {
  awk 'function flush() { if (external) print (name == "" ? key : name); key = name = ""; external = 0 }
    /^networks:/ { on = 1; next }
    /^[^ #]/ { if (on) flush(); on = 0 }
    on && /^  [A-Za-z0-9_.-]+:/ { flush(); key = $1; sub(/:$/, "", key) }
    on && /^    external: *true/ { external = 1 }
    on && /^    name: / { name = $2; gsub(/["\047]/, "", name) }
    END { if (on) flush() }' "$1"
}
# The distinct lines the function $1 prints for the files of the plan.
from_plan_files() {
  local entry file
  for entry in "${plan[@]}"; do
    for file in ${entry#*=}; do "$1" "$file"; done
  done | sort -u
}

mapfile -t needed < <(from_plan_files secrets_in)
missing=()
for secret in "${needed[@]}"; do
  docker secret inspect "$secret" >/dev/null 2>&1 || missing+=("$secret")
done
[[ ${#missing[@]} -eq 0 ]] || fail "missing Docker secrets: ${missing[*]} (docs/stack.md, First deployment: printf %s VALUE | docker secret create NAME -)"

mapfile -t networks < <(from_plan_files networks_in)
for network in "${networks[@]}"; do
  if ! docker network inspect "$network" >/dev/null 2>&1; then
    docker network create --driver overlay --attachable "$network" >/dev/null
    echo "deploy: created overlay network $network"
  fi
done

# Clients from Docker 26 on wait for convergence unless told not to, but exit 0 even when Swarm
# rolled the update back (docker/cli#6752), so we always wait ourselves; older ones have no flag.
deploy_flags=(--prune --with-registry-auth)
if docker stack deploy --help 2>/dev/null | grep -q -- '--detach'; then deploy_flags+=(--detach=true); fi
changed=0
for entry in "${plan[@]}"; do
  stack=${entry%%=*}
  compose=()
  for file in ${entry#*=}; do compose+=(-c "$file"); done
  echo "deploy: $stack (config version $CONFIG_VERSION)"
  before=$(stack_specs "$stack")
  since=$(manager_time)
  docker stack deploy "${deploy_flags[@]}" "${compose[@]}" "$stack" >/dev/null
  after=$(stack_specs "$stack")
  if [[ $before != "$after" ]]; then
    changed=1
    echo "deploy: $stack changed"
  fi
  if [[ $wait_for_convergence -eq 1 ]]; then
    wait_converged "$stack" "$since" "$before" "$after" "${DEPLOY_TIMEOUT:-600}" || exit 1
    echo "deploy: $stack converged"
  fi
done
if [[ $changed -eq 1 ]]; then echo "deploy: done, changes made"; else echo "deploy: done, nothing changed"; fi

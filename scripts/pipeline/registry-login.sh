#!/usr/bin/env bash
# Logs the docker client in to $REGISTRY with REGISTRY_USERNAME and REGISTRY_PASSWORD (the
# password goes through stdin, never the command line). Without both, does nothing: a registry
# that allows anonymous pushes (the test cluster's) needs no login. The login is written to the
# client's config ($DOCKER_CONFIG, default ~/.docker), which `docker stack deploy
# --with-registry-auth` then hands to the Swarm.
set -euo pipefail

# shellcheck source=scripts/pipeline/lib.sh
. "$(dirname "$0")/lib.sh"

[[ $# -eq 0 ]] || { echo "usage: $0   (no arguments; settings from the environment)" >&2; exit 2; }
require_registry
if [[ -z ${REGISTRY_USERNAME:-} && -z ${REGISTRY_PASSWORD:-} ]]; then
  echo "registry-login: no REGISTRY_USERNAME/REGISTRY_PASSWORD, using $REGISTRY without logging in"
  exit 0
fi
[[ -n ${REGISTRY_USERNAME:-} ]] || fail "REGISTRY_PASSWORD is set but REGISTRY_USERNAME is not"
[[ -n ${REGISTRY_PASSWORD:-} ]] || fail "REGISTRY_USERNAME is set but REGISTRY_PASSWORD is not"
printf '%s' "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin "$REGISTRY" >/dev/null \
  || fail "docker login to $REGISTRY as $REGISTRY_USERNAME failed"
echo "registry-login: logged in to $REGISTRY as $REGISTRY_USERNAME"

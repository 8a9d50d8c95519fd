#!/usr/bin/env bash
# Puts the whole platform on the test cluster (npm run testbed:platform, after testbed:up): a real
# registry on the cluster's network; the app, migrate and autoscaler images built and pushed by
# the pipeline's scripts/pipeline/build-images.sh, tagged with the short commit SHA; stand-ins
# built from Debian 13 packages for the images that cannot be pulled here (docs/testbed.md);
# all pushed there and pulled by the nodes; then the db, monitoring, migrate, app and autoscaler stacks and the stand-in proxy,
# deployed by provisioning/deploy.yml through scripts/deploy.sh. Prints where to reach them on
# 127.0.0.1 and the wall time of each phase. Running it again with nothing changed changes nothing.
# TAG=... deploys the app images under another tag (default: the short commit SHA).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/testbed/lib.sh
. scripts/testbed/lib.sh

fail() { echo "testbed: $*" >&2; exit 1; }
[[ $# -eq 0 ]] || { echo "usage: $0   (settings in scripts/testbed/lib.sh, TAG for the app images)" >&2; exit 2; }
[[ -f $TESTBED_STATE/inventory.yml ]] || fail "no test cluster: run npm run testbed:up first"
docker info --format '{{.RegistryConfig.InsecureRegistryCIDRs}}' | grep -q "$TESTBED_SUBNET" ||
  fail "this machine's dockerd does not trust the testbed registry: start it with --insecure-registry $TESTBED_SUBNET (scripts/ci/start-docker.sh does)"

phase_started=0
timings=()
now_ms() { echo $(($(date +%s%N) / 1000000)); }
phase() { phase_started=$(now_ms); echo "testbed: $1"; }
phase_done() { local ms=$(($(now_ms) - phase_started)); timings+=("$1 $((ms / 1000)).$((ms % 1000 / 100))"); }
# An image rebuilt only when its recipe (the files given) or its base changed; prints its name.
built_image() {
  local name=$1 context=$2 recipe
  recipe=$(cat "$context"/* <(docker image inspect --format '{{.Id}}' local/debian:trixie) | sha256sum | cut -c1-12)
  local image="$TESTBED_REGISTRY/testbed/$name:$recipe"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    DOCKER_BUILDKIT=0 docker build -q --build-arg BASE_IMAGE=local/debian:trixie -t "$image" "$context" >/dev/null ||
      fail "building the $name image failed (DOCKER_BUILDKIT=0 docker build $context)"
  fi
  echo "$image"
}

# --- Registry: Debian's docker-registry in a container on the cluster's network.
phase "registry"
bash scripts/images/build-node-base.sh --release trixie >/dev/null
registry_image=$(built_image registry scripts/testbed/images/registry)
registry=$(testbed_container registry)
if [[ $(docker inspect --format '{{.Config.Image}} {{.State.Running}}' "$registry" 2>/dev/null) != "$registry_image true" ]]; then
  docker rm -f "$registry" >/dev/null 2>&1 || true
  docker volume create --label "$TESTBED_LABEL=1" "$registry-data" >/dev/null
  docker run -d --name "$registry" --label "$TESTBED_LABEL=1" --restart unless-stopped \
    --network "$TESTBED_NETWORK" --ip "${TESTBED_REGISTRY%:*}" -v "$registry-data:/var/lib/docker-registry" \
    "$registry_image" >/dev/null
fi
for _ in $(seq 1 30); do
  curl -fsS "http://$TESTBED_REGISTRY/v2/" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://$TESTBED_REGISTRY/v2/" >/dev/null || fail "the registry does not answer on $TESTBED_REGISTRY; docker logs $registry"
phase_done registry

# --- Images
phase "images"
tag=${TAG:-$(git rev-parse --short=8 HEAD)}
commit=$(git rev-parse HEAD)
# The pipeline's own build-and-push script, on the trixie base built above.
REGISTRY=$TESTBED_REGISTRY TAG=$tag GIT_COMMIT=$commit NODE_IMAGE=local/node:20-trixie-slim RUNTIME_IMAGE=local/debian:trixie \
  REGISTRY_USERNAME='' REGISTRY_PASSWORD='' DRONE_TAG='' bash scripts/pipeline/build-images.sh >/dev/null ||
  fail "building or pushing the app images failed (scripts/pipeline/build-images.sh)"
declare -A standins=()
for name in postgres prometheus alertmanager node-exporter haproxy; do
  standins[$name]=$(built_image "$name" "scripts/testbed/images/$name")
  docker push -q "${standins[$name]}" >/dev/null || fail "pushing ${standins[$name]} failed"
done
phase_done images

# --- Deploy: the operator's playbook, with the stand-ins in the stacks' *_IMAGE settings.
phase "deploy (ansible-playbook provisioning/deploy.yml)"
# The API token, chosen here so that tests can write through the API; kept in the state directory.
token_file=$TESTBED_STATE/app_api_token
[[ -s $token_file ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$token_file")
# Every stack of the manifest but proxy: HAProxy (the edge stack) stands in for Traefik.
stacks_json=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' stack/stacks.txt | grep -vx proxy | sed 's/.*/"&"/' | paste -sd, -)
vars=$(
  cat <<JSON
{
  "platform_stacks": [$stacks_json],
  "platform_image_tag": "$tag",
  "platform_stack_overrides": {"monitoring": ["$PWD/scripts/testbed/monitoring.yml"]},
  "platform_extra_stacks": {"edge": "$PWD/scripts/testbed/edge.yml"},
  "platform_secrets": {"alertmanager_slack_url": "http://127.0.0.1:9/testbed-has-no-chat", "app_api_token": "$(cat "$token_file")"},
  "platform_settings": {
    "REGISTRY": "$TESTBED_REGISTRY",
    "POSTGRES_IMAGE": "${standins[postgres]}",
    "PROMETHEUS_IMAGE": "${standins[prometheus]}",
    "ALERTMANAGER_IMAGE": "${standins[alertmanager]}",
    "NODE_EXPORTER_IMAGE": "${standins[node-exporter]}",
    "GRAFANA_IMAGE": "${standins[node-exporter]}",
    "CADVISOR_IMAGE": "${standins[node-exporter]}",
    "EDGE_IMAGE": "${standins[haproxy]}",
    "APP_DOMAIN": "app.testbed.internal",
    "APP_AUTOSCALE_MAX": "6",
    "APP_DB_CONNECT_TIMEOUT_MS": "8000",
    "BACKUP_INTERVAL_SECONDS": "3600"
  }
}
JSON
)
(umask 077 && echo "$vars" >"$TESTBED_STATE/platform-vars.json")
if ! ANSIBLE_CONFIG=provisioning/ansible.cfg ansible-playbook -i "$TESTBED_STATE/inventory.yml" provisioning/deploy.yml \
  -e "@$TESTBED_STATE/platform-vars.json" >"$TESTBED_STATE/platform.log" 2>&1; then
  reasons=$(grep -o 'deploy: [^"]*' "$TESTBED_STATE/platform.log" | tail -n 5 || true)
  if [[ -n $reasons ]]; then echo "$reasons" >&2; else tail -n 30 "$TESTBED_STATE/platform.log" >&2; fi
  fail "deploy.yml failed; the whole log is $TESTBED_STATE/platform.log"
fi
phase_done deploy
grep -q 'changed=[1-9]' "$TESTBED_STATE/platform.log" && echo "testbed: the deploy changed the platform" || echo "testbed: the deploy changed nothing"

printf '%s\n' "${timings[@]}" >"$TESTBED_STATE/platform-timings.txt"
echo "$tag" >"$TESTBED_STATE/platform-tag"
echo "$commit" >"$TESTBED_STATE/platform-commit"
echo "testbed: platform up. Phase wall times (s): $(tr '\n' ' ' <"$TESTBED_STATE/platform-timings.txt")"
echo "testbed: the app through the stand-in proxy: http://127.0.0.1:$TESTBED_PROXY_PORT/hello"
echo "testbed: Prometheus: http://127.0.0.1:$TESTBED_PROMETHEUS_PORT  Alertmanager: http://127.0.0.1:$TESTBED_ALERTMANAGER_PORT"

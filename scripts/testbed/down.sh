#!/usr/bin/env bash
# Removes the test cluster (npm run testbed:down): its containers, their Docker volumes, its
# network and its state directory. The host image stays for the next testbed:up; --images
# removes it too. Safe to run at any time, also when nothing or only part of it exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/testbed/lib.sh
. scripts/testbed/lib.sh

remove_images=0
case ${1:-} in
  '') ;;
  --images) remove_images=1 ;;
  *) echo "usage: $0 [--images]" >&2; exit 2 ;;
esac

mapfile -t containers < <(docker ps -aq --filter "label=$TESTBED_LABEL")
# A container paused inside a node (the alert scenario pauses an exporter; an interrupted run
# leaves it so) is frozen, and a frozen process cannot be killed, nor then the node: thaw first.
for container in "${containers[@]}"; do
  paused=$(docker exec "$container" docker ps -q --filter status=paused 2>/dev/null) || continue
  # shellcheck disable=SC2086 # one id per word
  [[ -z $paused ]] || docker exec "$container" docker unpause $paused >/dev/null 2>&1 || true
done
if [[ ${#containers[@]} -gt 0 ]]; then docker rm -f "${containers[@]}" >/dev/null; fi
mapfile -t volumes < <(docker volume ls -q --filter "label=$TESTBED_LABEL")
if [[ ${#volumes[@]} -gt 0 ]]; then docker volume rm -f "${volumes[@]}" >/dev/null; fi
if docker network inspect "$TESTBED_NETWORK" >/dev/null 2>&1; then docker network rm "$TESTBED_NETWORK" >/dev/null; fi
rm -rf "$TESTBED_STATE"
if [[ $remove_images -eq 1 ]]; then docker image rm -f "$TESTBED_HOST_IMAGE" >/dev/null 2>&1 || true; fi
echo "testbed: removed ${#containers[@]} hosts and ${#volumes[@]} volumes"

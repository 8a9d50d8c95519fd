#!/usr/bin/env bash
# Installs (when missing) Debian's Docker Engine, starts dockerd when it is not answering, makes
# this machine a single-node Swarm manager, and builds the tiny local test image the autoscaler
# tests run (no registry is reachable here). Idempotent; needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/testbed/lib.sh
. scripts/testbed/lib.sh

if [[ $# -ne 0 ]]; then
  echo "usage: $0   (no arguments)" >&2
  exit 2
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# The static build: the test image holds nothing but this one binary.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)
if [[ ${#missing[@]} -gt 0 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! docker version >/dev/null 2>&1; then
  # No systemd on these machines: start the daemon ourselves and wait for its socket. The test
  # cluster's registry (scripts/testbed/platform.sh) speaks plain HTTP on the testbed network.
  dockerd --insecure-registry "$TESTBED_SUBNET" >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    sleep 1
  done
  docker version >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
fi

if [[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]]; then
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

image=autoscaler-test/busybox:1
if ! docker image inspect "$image" >/dev/null 2>&1; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin"
  cp /bin/busybox "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/busybox","sleep","86400"]' - "$image" >/dev/null
fi
echo "docker: engine $(docker version --format '{{.Server.Version}}'), swarm active, test image $image"

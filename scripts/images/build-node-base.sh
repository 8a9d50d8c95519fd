#!/usr/bin/env bash
# Builds local base images for machines that cannot pull from a registry: local/debian:RELEASE, a
# Debian root file system from debootstrap, and on it IMAGE, plus this machine's own node binary,
# npm and headers (node links only against glibc and libstdc++, and runs on newer Debian too).
# Each is reused while its inputs are unchanged.
# Usage: build-node-base.sh [--release bookworm|trixie] [IMAGE]
#   (defaults: bookworm, local/node:20-RELEASE-slim)
set -euo pipefail

usage() { echo "usage: $0 [--release bookworm|trixie] [IMAGE]" >&2; exit 2; }
release=bookworm
if [[ ${1:-} == --release ]]; then
  [[ $# -ge 2 ]] || usage
  release=$2
  shift 2
fi
[[ $release == bookworm || $release == trixie ]] || { echo "unknown Debian release $release (bookworm or trixie)" >&2; exit 1; }
[[ $# -le 1 ]] || usage
image=${1:-local/node:20-$release-slim}
debian_image=local/debian:$release
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
headers=/usr/include/node
for path in "$node_bin" "$npm_dir/package.json" "$headers/node.h"; do
  [[ -e "$path" ]] || { echo "missing $path: this script copies the machine's Node 20 into the image" >&2; exit 1; }
done

recipe=$( { echo "$release"; sha256sum "$0" "$node_bin"; cat "$npm_dir/package.json"; } | sha256sum | cut -c1-16)
if [[ "$(docker image inspect --format '{{index .Config.Labels "org.swarm-platform.recipe"}}' "$image" 2>/dev/null)" == "$recipe" ]] \
  && docker image inspect "$debian_image" >/dev/null 2>&1; then
  echo "$image is up to date ($recipe)"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase "$release" "$work/rootfs" http://deb.debian.org/debian >/dev/null
# Slim like Debian's own -slim images: no downloaded packages or indexes (apt-get update brings
# them back), no documentation but the copyright files, no translations; and dpkg told to leave
# those out of packages installed later. This takes the root file system from 199 to about 75 MB.
root=$work/rootfs
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/*
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
DPKG
tar -C "$work/rootfs" -c . | docker import - "$debian_image" >/dev/null

mkdir -p "$work/ctx/usr/local/bin" "$work/ctx/usr/local/lib/node_modules" "$work/ctx/usr/local/include"
cp "$node_bin" "$work/ctx/usr/local/bin/node"
cp -a "$npm_dir" "$work/ctx/usr/local/lib/node_modules/npm"
cp -a "$headers" "$work/ctx/usr/local/include/node"
cp /etc/ssl/certs/ca-certificates.crt "$work/ctx/machine-ca.crt"
cat >"$work/ctx/Dockerfile" <<DOCKERFILE
FROM $debian_image
COPY usr/ /usr/
# The machine's CA bundle, apart from Debian's, so installing ca-certificates cannot replace it.
COPY machine-ca.crt /usr/local/share/machine-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/machine-ca.crt npm_config_cafile=/usr/local/share/machine-ca.crt npm_config_nodedir=/usr/local
LABEL org.swarm-platform.recipe=$recipe
CMD ["node"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$work/ctx" >/dev/null
echo "$image built ($recipe): $(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

#!/usr/bin/env bash
# Pushes the images build-images.sh made (the short-commit tag and, on a release tag, the semver
# tags) to $REGISTRY, logged in with REGISTRY_USERNAME/REGISTRY_PASSWORD when they are set.
# Settings (environment): REGISTRY, TAG, DRONE_TAG, as build-images.sh reads them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh

[[ $# -eq 0 ]] || { echo "usage: $0   (no arguments; settings from the environment)" >&2; exit 2; }
require_registry
command -v docker >/dev/null 2>&1 || fail "needs the docker command"
tags_text=$(all_tags)
mapfile -t tags <<<"$tags_text"

for target in "${PIPELINE_TARGETS[@]}"; do
  for each in "${tags[@]}"; do
    docker image inspect "$(image_name "$target"):$each" >/dev/null 2>&1 \
      || fail "no local image $(image_name "$target"):$each (run build-images.sh --no-push first)"
  done
done
scripts/pipeline/registry-login.sh
for target in "${PIPELINE_TARGETS[@]}"; do
  image=$(image_name "$target")
  for each in "${tags[@]}"; do
    docker push -q "$image:$each" >/dev/null
    echo "push-images: pushed $image:$each"
  done
done

#!/usr/bin/env bash
# Builds the app, migrate and autoscaler images from stack/Dockerfile, tags them with the short commit
# (and the semver tags on a release tag), and pushes them to $REGISTRY unless --no-push.
# The pipeline's images step and an operator's workstation run the same command:
#   REGISTRY=registry.example.com:5000 scripts/pipeline/build-images.sh [--no-push]
# Settings (environment): REGISTRY (required); TAG (default: git rev-parse --short=8 HEAD);
# GIT_COMMIT (default: git rev-parse HEAD); DRONE_TAG (vX.Y.Z: version and semver tags);
# NODE_IMAGE, RUNTIME_IMAGE (base images, default: stack/Dockerfile's node:20-bookworm-slim; an
# offline machine passes local/node:20-bookworm-slim and local/debian:bookworm, which
# scripts/images/build-node-base.sh makes); DOCKER_BUILDKIT (default 0, the classic builder,
# which resolves locally built base images and needs no buildx plugin);
# REGISTRY_USERNAME, REGISTRY_PASSWORD (for the push; see push-images.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh

push=true
case ${1:-} in
  --no-push) push=false ;;
  '') ;;
  *) echo "usage: $0 [--no-push]" >&2; exit 2 ;;
esac
[[ $# -le 1 ]] || { echo "usage: $0 [--no-push]" >&2; exit 2; }

require_registry
command -v docker >/dev/null 2>&1 || fail "needs the docker command"
tags_text=$(all_tags)
mapfile -t tags <<<"$tags_text"
version=$(image_version)
[[ -n $version ]] || fail "cannot read the version from package.json"
git_commit=${GIT_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}

build_args=(--build-arg "VERSION=$version" --build-arg "GIT_COMMIT=$git_commit")
if [[ -n ${NODE_IMAGE:-} ]]; then build_args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE"); fi
if [[ -n ${RUNTIME_IMAGE:-} ]]; then build_args+=(--build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE"); fi
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0}

for target in "${PIPELINE_TARGETS[@]}"; do
  image=$(image_name "$target")
  echo "build-images: $image:${tags[0]} (version $version, commit $git_commit)"
  docker build -q -f stack/Dockerfile --target "$target" "${build_args[@]}" -t "$image:${tags[0]}" . >/dev/null
  for extra in "${tags[@]:1}"; do
    docker tag "$image:${tags[0]}" "$image:$extra"
    echo "build-images: tagged $image:$extra"
  done
done

if [[ $push == true ]]; then exec scripts/pipeline/push-images.sh; fi

#!/usr/bin/env bash
# Scans the images build-images.sh made with Trivy and fails on any CRITICAL vulnerability
# (--exit-code 1 --severity CRITICAL). Runs in the aquasec/trivy image, with the Docker socket
# mounted, so Trivy reads the local images before anything is pushed.
# Settings (environment): REGISTRY, TAG, as build-images.sh reads them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh

[[ $# -eq 0 ]] || { echo "usage: $0   (no arguments; settings from the environment)" >&2; exit 2; }
require_registry
command -v trivy >/dev/null 2>&1 || fail "needs trivy (the aquasec/trivy image)"
tag=$(commit_tag)
# Every image is scanned, so one build reports all its findings; then it fails naming them.
refused=()
for target in "${PIPELINE_TARGETS[@]}"; do
  image=$(image_name "$target"):$tag
  if trivy image --quiet --exit-code 1 --severity CRITICAL "$image"; then
    echo "scan-images: $image has no CRITICAL vulnerability"
  else
    refused+=("$image")
  fi
done
[[ ${#refused[@]} -eq 0 ]] || fail "CRITICAL vulnerabilities (or Trivy could not scan): ${refused[*]}"

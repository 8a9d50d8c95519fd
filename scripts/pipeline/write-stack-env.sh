#!/usr/bin/env bash
# Writes the settings file scripts/deploy.sh reads (--env FILE): the environment's stack settings
# from STACK_ENV (the lines of stack/.env.example that differ, kept in a Drone secret), then
# REGISTRY and TAG, last so that they win: the images this build pushed are the ones deployed.
#   write-stack-env.sh FILE
set -euo pipefail

# shellcheck source=scripts/pipeline/lib.sh
. "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 FILE   (settings from STACK_ENV, REGISTRY, TAG)" >&2; exit 2; }
file=$1
require_registry
[[ -n ${TAG:-} ]] || fail "TAG is not set (the image tag to deploy)"
for name in REGISTRY TAG; do
  if grep -Eq "^(export +)?$name=" <<<"${STACK_ENV:-}"; then fail "STACK_ENV sets $name, which the pipeline sets"; fi
done

mkdir -p "$(dirname "$file")"
(
  umask 077
  { printf '%s\n' "${STACK_ENV:-}"; printf 'REGISTRY=%s\nTAG=%s\n' "$REGISTRY" "$TAG"; } >"$file"
)
echo "write-stack-env: $file (TAG=$TAG)"

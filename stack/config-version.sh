#!/usr/bin/env bash
# Prints the name suffix of this revision of the stacks' Swarm configs (CONFIG_VERSION): a hash
# of every file they mount. scripts/deploy.sh calls it (the Ansible platform role runs deploy.sh).
set -euo pipefail
cd "$(dirname "$0")"
find prometheus alertmanager grafana db -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12

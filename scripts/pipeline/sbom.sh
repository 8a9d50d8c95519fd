#!/usr/bin/env bash
# Writes the CycloneDX SBOM of the production dependencies (what the images ship in node_modules)
# to FILE, from package-lock.json alone, and prints it, so the build's log keeps it.
#   sbom.sh FILE
set -euo pipefail
cd "$(dirname "$0")/../.."

[[ $# -eq 1 ]] || { echo "usage: $0 FILE" >&2; exit 2; }
file=$1
mkdir -p "$(dirname "$file")"
npm sbom --omit dev --sbom-format cyclonedx --package-lock-only >"$file" \
  || { echo "sbom: npm sbom failed" >&2; exit 1; }
cat "$file"
echo "sbom: wrote $file"

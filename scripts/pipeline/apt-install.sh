#!/usr/bin/env bash
# Installs the Debian packages a pipeline step needs into its container (as root), skipping
# those already installed; the step images are plain Debian and node images.
#   apt-install.sh PACKAGE...
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "apt-install: needs root (it runs in the step's container)" >&2; exit 1; }
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "apt-install: $* already installed"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "apt-install: installed ${missing[*]}"

#!/usr/bin/env bash
# Static validators that need Debian tools (npm run test:config). Each check names itself and
# the run fails if any check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -ne 0 ]]; then
  echo "usage: $0   (no arguments)" >&2
  exit 2
fi

required_tools=(shellcheck)
for tool in "${required_tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test:config needs $tool (apt-get install $tool)" >&2; exit 1; }
done

failed=0
check() {
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAILED: $name" >&2; failed=1; fi
}

mapfile -t shell_scripts < <(git ls-files --cached --others --exclude-standard '*.sh' .ci/run)
check "shellcheck (${#shell_scripts[@]} scripts)" shellcheck -x "${shell_scripts[@]}"

if [[ $failed -ne 0 ]]; then exit 1; fi
echo "test:config: all checks passed"

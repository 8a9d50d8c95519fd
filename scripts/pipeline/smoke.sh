#!/usr/bin/env bash
# Smoke test of a deployed environment through its public URL: /ready answers 200 and /hello
# answers the greeting, retried for up to SMOKE_TIMEOUT seconds (default 120) while the proxy
# picks up the new tasks.
#   smoke.sh [URL]   (default: SMOKE_URL, e.g. https://app.example.com)
set -euo pipefail

fail() { echo "smoke: $*" >&2; exit 1; }
[[ $# -le 1 ]] || { echo "usage: $0 [URL]   (default: SMOKE_URL)" >&2; exit 2; }
url=${1:-${SMOKE_URL:-}}
[[ $url =~ ^https?:// ]] || fail "needs the public URL (SMOKE_URL or the argument), not '$url'"
url=${url%/}
timeout=${SMOKE_TIMEOUT:-120}
[[ $timeout =~ ^[0-9]+$ ]] || fail "SMOKE_TIMEOUT must be whole seconds, not '$timeout'"
command -v curl >/dev/null 2>&1 || fail "needs curl"

check() {
  [[ $(curl -fsS --max-time 5 -o /dev/null -w '%{http_code}' "$url/ready" 2>/dev/null) == 200 ]] \
    && curl -fsS --max-time 5 "$url/hello" 2>/dev/null | grep -q '"message":"Hello, World!"'
}

deadline=$((SECONDS + timeout))
until check; do
  ((SECONDS < deadline)) || fail "$url/ready and $url/hello did not both answer within ${timeout}s"
  sleep 3
done
echo "smoke: $url answers /ready and /hello"

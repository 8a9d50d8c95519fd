#!/usr/bin/env bash
# Waits until HOST accepts TCP connections on PORT, for up to SECONDS (default 60): a Drone
# service container starts with the step, not when its server is ready. The postgres image
# listens on TCP only once its initialisation is done.
#   wait-for-port.sh HOST PORT [SECONDS]
set -euo pipefail

[[ $# -ge 2 && $# -le 3 ]] || { echo "usage: $0 HOST PORT [SECONDS]" >&2; exit 2; }
host=$1
port=$2
seconds=${3:-60}
[[ $port =~ ^[0-9]+$ && $seconds =~ ^[0-9]+$ ]] || { echo "usage: $0 HOST PORT [SECONDS]" >&2; exit 2; }

deadline=$((SECONDS + seconds))
until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
  ((SECONDS < deadline)) || { echo "wait-for-port: $host:$port did not accept connections within ${seconds}s" >&2; exit 1; }
  sleep 1
done
echo "wait-for-port: $host:$port accepts connections"

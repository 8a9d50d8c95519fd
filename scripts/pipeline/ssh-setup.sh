#!/usr/bin/env bash
# Prepares ssh for DOCKER_HOST=ssh://USER@HOST[:PORT], with the manager's host key pinned: the
# docker client then runs `ssh USER@HOST docker system dial-stdio`, and ssh refuses any host key
# that SSH_KNOWN_HOSTS does not hold (StrictHostKeyChecking yes, no other known_hosts file).
# Settings (environment): DOCKER_HOST, SSH_PRIVATE_KEY (the deploy user's key),
# SSH_KNOWN_HOSTS (known_hosts lines for the manager, e.g. from `ssh-keyscan HOST` checked
# against the host's own /etc/ssh/ssh_host_*.pub).
# Writes ~/.ssh/config, ~/.ssh/deploy_key and ~/.ssh/deploy_known_hosts, and refuses to replace
# an existing ~/.ssh/config: outside a pipeline container, run it with HOME set to a scratch directory.
set -euo pipefail

fail() { echo "ssh-setup: $*" >&2; exit 1; }
[[ $# -eq 0 ]] || { echo "usage: $0   (no arguments; settings from the environment)" >&2; exit 2; }
[[ ${DOCKER_HOST:-} =~ ^ssh://([^@/]+@)?([^:/@]+)(:([0-9]+))?/?$ ]] \
  || fail "DOCKER_HOST must be ssh://USER@HOST[:PORT], not '${DOCKER_HOST:-}'"
host=${BASH_REMATCH[2]}
port=${BASH_REMATCH[4]:-22}
[[ -n ${SSH_PRIVATE_KEY:-} ]] || fail "SSH_PRIVATE_KEY is not set"
[[ -n ${SSH_KNOWN_HOSTS:-} ]] || fail "SSH_KNOWN_HOSTS is not set (the manager's pinned host key)"
command -v ssh-keygen >/dev/null 2>&1 || fail "needs ssh (apt-get install openssh-client)"

dir=$HOME/.ssh
[[ ! -e $dir/config ]] || fail "$dir/config exists; run with HOME set to a scratch directory"
mkdir -p "$dir"
chmod 700 "$dir"
(umask 077 && printf '%s\n' "$SSH_PRIVATE_KEY" >"$dir/deploy_key")
printf '%s\n' "$SSH_KNOWN_HOSTS" >"$dir/deploy_known_hosts"

lookup=$host
if [[ $port != 22 ]]; then lookup="[$host]:$port"; fi
ssh-keygen -F "$lookup" -f "$dir/deploy_known_hosts" >/dev/null \
  || fail "SSH_KNOWN_HOSTS holds no key for $lookup"
ssh-keygen -y -f "$dir/deploy_key" >/dev/null 2>&1 || fail "SSH_PRIVATE_KEY is not a private key without a passphrase"

cat >"$dir/config" <<CONFIG
Host $host
  Port $port
  IdentityFile $dir/deploy_key
  IdentitiesOnly yes
  UserKnownHostsFile $dir/deploy_known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
CONFIG
chmod 600 "$dir/config"
echo "ssh-setup: $host:$port with its pinned host key"

#!/bin/sh
# The boot of a test cluster host (scripts/testbed/host.Dockerfile): what systemd would do on a
# provisioned VM, so that a host container restarted (a node lost and back) comes back the same.
set -e
# A VM boots with an empty /run (a tmpfs); this container keeps its own, so a pid file of the
# last run would stop dockerd ("process with PID N is still running": a new process has it).
find /run -name '*.pid' -delete
mount --make-rshared /
if [ -f /etc/nftables.conf ]; then nft -f /etc/nftables.conf; fi
if [ -x /etc/init.d/docker ]; then service docker start >/dev/null; fi
ssh-keygen -A >/dev/null
exec /usr/sbin/sshd -D -e

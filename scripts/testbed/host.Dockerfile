# A "fresh VM" for the test cluster: Debian (trixie or bookworm, BASE_IMAGE) with sshd, python3 and sudo, and no Docker,
# which the Ansible docker role installs. Built by scripts/testbed/up.sh on the offline base.
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
# Containers here may not raise resource limits (no CAP_SYS_RESOURCE), and Debian's
# /etc/init.d/docker calls ulimit, which then fails the start. The init script sources this file,
# and apt keeps an existing conffile, so Docker installed later still starts. Test hosts only.
COPY etc-default-docker /etc/default/docker
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openssh-server sudo python3 iproute2 procps ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/sshd \
 && useradd --create-home --shell /bin/bash --groups sudo deploy \
 && echo 'deploy ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/deploy && chmod 0440 /etc/sudoers.d/deploy \
 && install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh \
 && sed -i 's/^#\?PasswordAuthentication .*/PasswordAuthentication no/' /etc/ssh/sshd_config \
 && rm -f /etc/ssh/ssh_host_*
# Host keys are made at first start, so every node has its own.
# What a VM's boot does once provisioned: / shared (systemd makes it so; node-exporter mounts it
# with rslave), the firewall loaded (nftables.service), Docker started (docker.service), sshd.
COPY boot.sh /usr/local/sbin/testbed-boot
CMD ["/usr/local/sbin/testbed-boot"]

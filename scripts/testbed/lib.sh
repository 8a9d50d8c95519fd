# Shared settings of the test cluster scripts (sourced by up.sh and down.sh).
# shellcheck shell=bash disable=SC2034 # the variables are read by the scripts that source this
TESTBED_LABEL=swarm-platform.testbed
TESTBED_NETWORK=${TESTBED_NETWORK:-swarm-platform-testbed}
TESTBED_SUBNET=${TESTBED_SUBNET:-172.30.77.0/24}
TESTBED_ADDRESS_PREFIX=${TESTBED_SUBNET%.*}
TESTBED_SSH_PORT_BASE=${TESTBED_SSH_PORT_BASE:-2221}
TESTBED_STATE=${TESTBED_STATE:-/var/tmp/swarm-platform-testbed}
# The hosts' Debian: trixie (13) by default; bookworm (12) keeps the roles working there too.
TESTBED_RELEASE=${TESTBED_RELEASE:-trixie}
TESTBED_HOST_IMAGE=${TESTBED_HOST_IMAGE:-swarm-platform-testbed/host:$TESTBED_RELEASE}
# The cluster's image registry (scripts/testbed/platform.sh), a container on the testbed network
# that the nodes and this machine's dockerd trust as an insecure (plain HTTP) registry.
TESTBED_REGISTRY=$TESTBED_ADDRESS_PREFIX.5:5000
# Ports on this machine's 127.0.0.1 where node1 publishes the stand-in proxy's entry points.
TESTBED_PROXY_PORT=${TESTBED_PROXY_PORT:-8080}
TESTBED_PROMETHEUS_PORT=${TESTBED_PROMETHEUS_PORT:-19090}
TESTBED_ALERTMANAGER_PORT=${TESTBED_ALERTMANAGER_PORT:-19093}
TESTBED_NODES=(node1 node2 node3)

testbed_container() { echo "swarm-platform-testbed-$1"; }
# node1 -> .11, node2 -> .12, ...
testbed_address() { echo "$TESTBED_ADDRESS_PREFIX.$((10 + ${1#node}))"; }
testbed_ssh_port() { echo $((TESTBED_SSH_PORT_BASE + ${1#node} - 1)); }

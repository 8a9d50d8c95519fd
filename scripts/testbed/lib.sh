# Shared settings of the test cluster scripts (sourced by up.sh and down.sh).
# shellcheck shell=bash disable=SC2034 # the variables are read by the scripts that source this
TESTBED_LABEL=swarm-platform.testbed
TESTBED_NETWORK=${TESTBED_NETWORK:-swarm-platform-testbed}
TESTBED_SUBNET=${TESTBED_SUBNET:-172.30.77.0/24}
TESTBED_ADDRESS_PREFIX=${TESTBED_SUBNET%.*}
TESTBED_SSH_PORT_BASE=${TESTBED_SSH_PORT_BASE:-2221}
TESTBED_STATE=${TESTBED_STATE:-/var/tmp/swarm-platform-testbed}
TESTBED_HOST_IMAGE=${TESTBED_HOST_IMAGE:-swarm-platform-testbed/host:bookworm}
TESTBED_NODES=(node1 node2 node3)

testbed_container() { echo "swarm-platform-testbed-$1"; }
# node1 -> .11, node2 -> .12, ...
testbed_address() { echo "$TESTBED_ADDRESS_PREFIX.$((10 + ${1#node}))"; }
testbed_ssh_port() { echo $((TESTBED_SSH_PORT_BASE + ${1#node} - 1)); }

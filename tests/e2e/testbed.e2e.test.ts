import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { onNode, playbook, runScript, TESTBED } from '../helpers/cluster';
import { docker, TEST_IMAGE } from '../helpers/docker';
import { buildImage } from '../helpers/images';
import { externalNetworks, loadStack } from '../helpers/stack';
import { until } from '../helpers/wait';

// The three-node test cluster (scripts/testbed) provisioned by provisioning/site.yml over SSH,
// as on VMs: real Debian hosts in containers, Debian's docker.io installed by the docker role,
// the nftables firewall on, a real three-manager Swarm. Here on Debian 12 (TESTBED_RELEASE=
// bookworm), so the roles stay true there; the cluster suite runs the platform on Debian 13.
// TESTBED_KEEP=1 leaves it up afterwards.
const RELEASE = 'bookworm';

interface Recap { ok: number; changed: number; failed: number; unreachable: number }
/** The PLAY RECAP lines of an ansible-playbook run, by host. */
function recap(output: string): Map<string, Recap> {
  const hosts = new Map<string, Recap>();
  for (const match of output.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    hosts.set(match[1]!, { ok: Number(match[2]), changed: Number(match[3]), unreachable: Number(match[4]), failed: Number(match[5]) });
  }
  return hosts;
}

const sitePlaybook = () => playbook('site.yml');

/** Whether a TCP connection from this machine to host:port opens within the time. */
function connects(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

describe('test cluster provisioned by Ansible (e2e)', function () {
  this.timeout(10 * 60_000);
  let inventory: { all: { children: { managers: { hosts: Record<string, { swarm_advertise_address: string; swarm_node_labels: Record<string, string> }> } } } };
  let upOutput = '';

  before(function () {
    this.timeout(30 * 60_000); // a fresh machine debootstraps, builds the host image, installs Docker thrice
    // Leftovers of an interrupted run: a host container and the network. up.sh must cope.
    spawnSync('docker', ['network', 'create', '--label', `${TESTBED.label}=1`, TESTBED.network], { stdio: 'ignore' });
    spawnSync('docker', ['run', '-d', '--name', TESTBED.container('node2'), '--label', `${TESTBED.label}=1`, TEST_IMAGE, 'sleep', '600'], { stdio: 'ignore' });
    const up = runScript(['scripts/testbed/up.sh'], { TESTBED_RELEASE: RELEASE });
    upOutput = up.stdout;
    if (up.status !== 0) throw new Error(`testbed:up failed:\n${up.stdout}\n${up.stderr}`);
    console.log(`      ${upOutput.split('\n').find((line) => line.includes('Phase wall times'))}`);
    inventory = parse(readFileSync(path.join(TESTBED.state, 'inventory.yml'), 'utf8'));
  });

  after(() => {
    if (process.env.TESTBED_KEEP === '1') return;
    runScript(['scripts/testbed/down.sh'], {}, 120_000);
  });

  it('has three Ready nodes, one Leader, every manager reachable', () => {
    const nodes = onNode('node1', ['docker', 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}']).split('\n').sort();
    expect(nodes).to.have.length(3);
    for (const line of nodes) expect(line).to.match(/^node\d Ready Active (Leader|Reachable)$/);
    expect(nodes.filter((line) => line.endsWith('Leader'))).to.have.length(1);
  });

  it('advertises each node on its private address', () => {
    for (const node of TESTBED.nodes) {
      const address = onNode('node1', ['docker', 'node', 'inspect', node, '--format', '{{.Status.Addr}}']);
      expect(address, node).to.equal(inventory.all.children.managers.hosts[node]!.swarm_advertise_address);
    }
  });

  it('labels the nodes as in the inventory, each its own failure domain by default', () => {
    for (const node of TESTBED.nodes) {
      const labels = JSON.parse(onNode('node1', ['docker', 'node', 'inspect', node, '--format', '{{json .Spec.Labels}}']));
      expect(labels, node).to.deep.equal({ ...inventory.all.children.managers.hosts[node]!.swarm_node_labels, failure_domain: node });
    }
  });

  it('runs Debian 12 with its docker.io', () => {
    expect(onNode('node2', ['cat', '/etc/debian_version'])).to.match(/^12\./);
    expect(onNode('node2', ['docker', 'version', '--format', '{{.Server.Version}}'])).to.match(/^20\.10\./);
  });

  it('prepares the platform: the secrets nobody gave generated', () => {
    const secrets = onNode('node1', ['docker', 'secret', 'ls', '--format', '{{.Name}}']).split('\n').sort();
    expect(secrets).to.deep.equal(['app_api_token', 'grafana_admin_password', 'postgres_password']);
  });

  it('configures the daemons: metrics on the private address, log rotation', () => {
    const daemon = JSON.parse(onNode('node2', ['cat', '/etc/docker/daemon.json']));
    expect(daemon['metrics-addr']).to.equal('172.30.77.12:9323');
    expect(daemon['log-opts']).to.deep.equal({ 'max-size': '10m', 'max-file': '3' });
    expect(onNode('node3', ['bash', '-c', 'exec 3<>/dev/tcp/172.30.77.12/9323 && printf "GET /metrics HTTP/1.0\\r\\n\\r\\n" >&3 && head -c 200 <&3'])).to.include('200 OK');
  });

  it('admits Swarm and metrics traffic from the cluster only', async () => {
    // From node2 (a cluster address) to node1's manager port: open.
    expect(spawnSync('docker', ['exec', TESTBED.container('node2'), 'bash', '-c', 'timeout 3 bash -c "exec 3<>/dev/tcp/172.30.77.11/2377"']).status).to.equal(0);
    // From this machine (the bridge's gateway, not a cluster address): SSH open, the rest dropped.
    expect(await connects('172.30.77.11', 22)).to.equal(true);
    expect(await connects('172.30.77.11', 2377)).to.equal(false);
    expect(await connects('172.30.77.12', 9323)).to.equal(false);
  });

  it('is idempotent: site.yml again changes nothing', () => {
    const run = sitePlaybook();
    expect(run.status, run.stdout.slice(-3000)).to.equal(0);
    const hosts = recap(run.stdout);
    expect([...hosts.keys()].sort()).to.deep.equal(TESTBED.nodes);
    for (const [host, counts] of hosts) expect(counts, host).to.include({ changed: 0, failed: 0, unreachable: 0 });
  });

  it('replaces node labels: one set by hand goes on the next run', () => {
    onNode('node1', ['docker', 'node', 'update', '--label-add', 'stale=true', 'node3']);
    const run = sitePlaybook();
    expect(run.status, run.stdout.slice(-3000)).to.equal(0);
    expect(JSON.parse(onNode('node1', ['docker', 'node', 'inspect', 'node3', '--format', '{{json .Spec.Labels}}']))).to.deep.equal({ failure_domain: 'node3' });
    expect(recap(run.stdout).get('node3')?.changed).to.equal(1);
  });

  it('maintains a node: drained (its task moves away), upgraded, reactivated', async () => {
    // A small service spread over the three nodes; the image reaches the inner engines by docker load.
    for (const node of TESTBED.nodes) execFileSync('bash', ['-c', `docker save ${TEST_IMAGE} | docker exec -i ${TESTBED.container(node)} docker load -q`], { stdio: 'ignore' });
    onNode('node1', ['docker', 'service', 'create', '--detach', '--quiet', '--name', 'maint', '--replicas', '3', '--placement-pref', 'spread=node.labels.failure_domain', TEST_IMAGE]);
    const runningOn = () => onNode('node1', ['docker', 'service', 'ps', 'maint', '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']).split('\n').filter((l) => l.includes('Running')).map((l) => l.split(' ')[0]).sort();
    await until('a maint task running on each node', async () => (runningOn().length >= 3 ? true : undefined), 120_000, 1000);
    expect(runningOn()).to.deep.equal(TESTBED.nodes);

    const run = playbook('maintenance.yml', ['--limit', 'node2', '-e', 'maintenance_reboot=false']);
    expect(run.status, run.stdout.slice(-3000)).to.equal(0);
    expect(recap(run.stdout).get('node2')).to.include({ failed: 0, unreachable: 0 });
    expect(onNode('node1', ['docker', 'node', 'inspect', 'node2', '--format', '{{.Spec.Availability}} {{.Status.State}}'])).to.equal('active ready');
    await until('three maint tasks running again', async () => (runningOn().length >= 3 ? true : undefined), 60_000, 1000);
    const after = runningOn();
    expect(after).to.have.length(3);
    expect(after, 'the task drained from node2 runs elsewhere (Swarm does not move it back)').to.not.include('node2');
  });

  it('deploys a stack with deploy.yml, waits until it converges, and changes nothing the second time', function () {
    this.timeout(15 * 60_000);
    // The autoscaler's stack: its image is ours, built here and loaded into the nodes' engines.
    const image = 'local/swarm-platform-autoscaler:e2e';
    if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) buildImage('autoscaler', image);
    for (const node of TESTBED.nodes) execFileSync('bash', ['-c', `docker save ${image} | docker exec -i ${TESTBED.container(node)} docker load -q`], { stdio: 'ignore', timeout: 120_000 });
    // A stack whose file names a secret nobody gave (and none is generated) stops the play, naming it.
    const refused = playbook('deploy.yml', ['-e', JSON.stringify({ platform_stacks: ['proxy'] })]);
    expect(refused.status).to.not.equal(0);
    expect(refused.stdout).to.include('missing secrets traefik_dashboard_users');
    expect(onNode('node1', ['docker', 'stack', 'ls', '--format', '{{.Name}}'])).to.not.include('proxy');

    const vars = JSON.stringify({ platform_stacks: ['autoscaler'], platform_settings: { REGISTRY: 'local' }, platform_image_tag: 'e2e', platform_converge_timeout: 180 });
    const first = playbook('deploy.yml', ['-e', vars]);
    expect(first.status, first.stdout.slice(-3000)).to.equal(0);
    // deploy.sh, which the role runs, made the overlays and waited for the stack to converge.
    const networks = onNode('node1', ['docker', 'network', 'ls', '--filter', 'driver=overlay', '--format', '{{.Name}}']).split('\n');
    expect(networks).to.include.members(externalNetworks([loadStack('autoscaler.yml')]));
    expect(first.stdout).to.include('deploy: autoscaler converged');
    expect(onNode('node1', ['docker', 'service', 'ls', '--filter', 'name=autoscaler_autoscaler', '--format', '{{.Image}} {{.Replicas}}'])).to.equal(`${image} 1/1`);
    // The socket's group was read from the node, so the autoscaler can use the Docker API.
    const gid = onNode('node1', ['getent', 'group', 'docker']).split(':')[2];
    expect(onNode('node1', ['docker', 'service', 'inspect', 'autoscaler_autoscaler', '--format', '{{.Spec.TaskTemplate.ContainerSpec.User}}'])).to.equal(`1000:${gid}`);
    const second = playbook('deploy.yml', ['-e', vars]);
    expect(second.status, second.stdout.slice(-3000)).to.equal(0);
    expect(recap(second.stdout).get('node1')).to.include({ changed: 0, failed: 0 });
  });

  it('is removed entirely by testbed:down', function () {
    if (process.env.TESTBED_KEEP === '1') this.skip();
    const down = runScript(['scripts/testbed/down.sh'], {}, 120_000);
    expect(down.status, down.stderr).to.equal(0);
    expect(docker('ps', '-aq', '--filter', `label=${TESTBED.label}`)).to.equal('');
    expect(docker('volume', 'ls', '-q', '--filter', `label=${TESTBED.label}`)).to.equal('');
    expect(spawnSync('docker', ['network', 'inspect', TESTBED.network], { stdio: 'ignore' }).status).to.not.equal(0);
  });
});

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { tempDir } from '../helpers/databases';
import { docker, TEST_IMAGE } from '../helpers/docker';
import { startPrometheus, type PrometheusProcess } from '../helpers/real-prometheus';
import { loadStack, STACK_DIR } from '../helpers/stack';
import { removeSwarmNetwork } from '../helpers/swarm';
import { until } from '../helpers/wait';

// stack/prometheus/prometheus.yml as shipped, in Debian's real Prometheus, discovering the tasks
// and nodes of the real Swarm that scripts/ci/start-docker.sh starts. Prometheus runs on the host
// and cannot reach the overlay network's task addresses, so this checks discovery and
// relabelling (the labels the autoscaler and the dashboards read), and that the rules load;
// scraping through the overlay is the cluster suite's part.
const NETWORK = loadStack('monitoring.yml').networks!.monitoring!.name!;

interface Target {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
}

describe('Prometheus service discovery on the real Swarm (e2e)', function () {
  this.timeout(120_000);
  const suffix = `${process.pid}`;
  const scraped = `sd-scraped-${suffix}`;
  const unlabelled = `sd-unlabelled-${suffix}`;
  const temp = tempDir('prometheus-sd-');
  let createdNetwork = false;
  let prometheus: PrometheusProcess;
  let targets: Target[];

  const activeTargets = async () => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    return body.data.activeTargets;
  };

  before(async () => {
    if (spawnSync('docker', ['network', 'inspect', NETWORK], { stdio: 'ignore' }).status !== 0) {
      docker('network', 'create', '--driver', 'overlay', '--attachable', NETWORK);
      createdNetwork = true;
    }
    docker('service', 'create', '--detach', '--quiet', '--name', scraped, '--replicas', '2', '--network', NETWORK,
      '--label', 'prometheus.scrape=true', '--label', 'prometheus.port=9464', '--label', 'prometheus.job=app', TEST_IMAGE);
    docker('service', 'create', '--detach', '--quiet', '--name', unlabelled, '--replicas', '1', '--network', NETWORK, TEST_IMAGE);

    // The shipped file, with only the paths of this machine: the rules from the repository.
    const config = readFileSync(path.join(STACK_DIR, 'prometheus/prometheus.yml'), 'utf8')
      .replace('/etc/prometheus/rules/*.yml', path.join(STACK_DIR, 'prometheus/rules/*.yml'));
    prometheus = await startPrometheus(temp.dir, config);
    targets = await until('both tasks of the labelled service to be discovered', async () => {
      const found = await activeTargets();
      return found.filter((t) => t.labels.swarm_service === scraped).length === 2 ? found : undefined;
    }, 90_000, 1000);
  });

  after(async () => {
    prometheus?.stop();
    spawnSync('docker', ['service', 'rm', scraped, unlabelled], { stdio: 'ignore' });
    if (createdNetwork) await removeSwarmNetwork(NETWORK);
    temp.remove();
  });

  it('gives each running task the labels the autoscaler and the dashboards read', () => {
    const tasks = docker('service', 'ps', '--filter', 'desired-state=running', '--no-trunc', '--format', '{{.ID}}', scraped).split('\n').sort();
    const found = targets.filter((t) => t.labels.swarm_service === scraped);
    expect(found.map((t) => t.labels.swarm_task_id).sort()).to.deep.equal(tasks);
    for (const target of found) {
      expect(target.labels).to.include({ job: 'app', swarm_node: hostname() });
      expect(target.labels.instance).to.match(new RegExp(`^${scraped}\\.[12]\\.${hostname()}$`));
      expect(target.labels.swarm_task_slot).to.match(/^[12]$/);
    }
  });

  it('scrapes each task directly on the monitoring network at its prometheus.port', () => {
    const found = targets.filter((t) => t.labels.swarm_service === scraped);
    for (const target of found) {
      const inspected = JSON.parse(docker('inspect', target.labels.swarm_task_id!)) as { NetworksAttachments: { Network: { Spec: { Name: string } }; Addresses: string[] }[] }[];
      const attachment = inspected[0]!.NetworksAttachments.find((a) => a.Network.Spec.Name === NETWORK)!;
      const ip = attachment.Addresses[0]!.split('/')[0];
      expect(target.scrapeUrl).to.equal(`http://${ip}:9464/metrics`);
    }
  });

  it('leaves out services without prometheus.scrape=true', () => {
    expect(targets.filter((t) => t.labels.swarm_service === unlabelled)).to.deep.equal([]);
  });

  it('finds every node\'s Docker daemon on port 9323', () => {
    const daemons = targets.filter((t) => t.scrapePool === 'dockerd');
    const nodes = docker('node', 'ls', '--format', '{{.Hostname}}').split('\n');
    expect(daemons.map((t) => t.labels.swarm_node).sort()).to.deep.equal(nodes.sort());
    for (const target of daemons) {
      expect(target.labels.instance).to.equal(target.labels.swarm_node);
      expect(target.labels.swarm_node_availability).to.equal('active');
      expect(target.scrapeUrl).to.match(/:9323\/metrics$/);
    }
  });

  it('loads every recording and alert rule', async () => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { type: string; health: string }[] }[] } };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.type === 'recording')).to.have.length(9);
    expect(rules.filter((r) => r.type === 'alerting')).to.have.length(9);
  });
});

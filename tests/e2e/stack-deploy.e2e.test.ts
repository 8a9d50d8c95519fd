import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { docker, TEST_IMAGE } from '../helpers/docker';
import { REPO_ROOT } from '../helpers/processes';
import { externalNetworks, loadStack, STACK_FILES, STACKS } from '../helpers/stack';
import { removeSwarmNetwork } from '../helpers/swarm';
import { until } from '../helpers/wait';

// scripts/deploy.sh --no-wait puts every stack file on the real single-node Swarm, so the daemon
// itself accepts every service spec, network, secret and config (which `docker stack config`
// cannot prove). No registry is reachable, so every image is the small local test image and no
// node carries the db/traefik/monitoring labels: services are created, and their tasks stay
// pending or fail, which is not what this checks. The platform running for real, and deploy.sh
// waiting for it to converge, is the cluster suite's part (tests/e2e/cluster.e2e.test.ts).
const SECRETS = ['postgres_password', 'app_api_token', 'traefik_dashboard_users', 'grafana_admin_password', 'alertmanager_slack_url'];

interface ServiceSpec {
  Spec: {
    Name: string;
    Labels: Record<string, string>;
    Mode: { Replicated?: { Replicas: number }; Global?: object };
    EndpointSpec?: { Mode: string };
    UpdateConfig?: { Parallelism: number; Order: string; FailureAction: string };
    TaskTemplate: {
      ContainerSpec: { Secrets?: { SecretName: string }[]; Configs?: { ConfigName: string }[]; ReadOnly?: boolean; User?: string };
      Placement?: { Constraints?: string[]; MaxReplicas?: number };
    };
  };
}

describe('scripts/deploy.sh on the real Swarm (e2e)', function () {
  this.timeout(120_000);
  const created: string[] = [];
  const NETWORKS = externalNetworks(STACK_FILES.map((file) => loadStack(file)));
  const networksBefore = new Set(docker('network', 'ls', '--format', '{{.Name}}').split('\n'));
  const images = {
    REGISTRY: 'autoscaler-test',
    TRAEFIK_IMAGE: TEST_IMAGE,
    PROMETHEUS_IMAGE: TEST_IMAGE,
    ALERTMANAGER_IMAGE: TEST_IMAGE,
    GRAFANA_IMAGE: TEST_IMAGE,
    NODE_EXPORTER_IMAGE: TEST_IMAGE,
    CADVISOR_IMAGE: TEST_IMAGE,
    POSTGRES_IMAGE: TEST_IMAGE,
    // Names that are not examples, which deploy.sh refuses for the proxy stack.
    ACME_EMAIL: 'ops@swarm-platform-e2e.net',
    APP_DOMAIN: 'app.swarm-platform-e2e.net',
    TRAEFIK_DOMAIN: 'traefik.swarm-platform-e2e.net',
    GRAFANA_DOMAIN: 'grafana.swarm-platform-e2e.net',
  };
  const deploy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('bash', ['scripts/deploy.sh', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...images, ...env }, timeout: 90_000 });
  const inspect = (name: string) => (JSON.parse(docker('service', 'inspect', name)) as ServiceSpec[])[0]!.Spec;

  after(async () => {
    spawnSync('docker', ['stack', 'rm', ...STACKS], { stdio: 'ignore' });
    await until('the stacks to be gone', async () => (docker('service', 'ls', '-q', '--filter', 'label=com.docker.stack.namespace') === '' ? true : undefined), 60_000, 1000).catch(() => undefined);
    for (const secret of created) spawnSync('docker', ['secret', 'rm', secret], { stdio: 'ignore' });
    // Configs of removed stacks linger until nothing uses them.
    const configs = docker('config', 'ls', '-q', '--filter', 'label=com.docker.stack.namespace');
    if (configs) spawnSync('docker', ['config', 'rm', ...configs.split('\n')], { stdio: 'ignore' });
    for (const network of NETWORKS.filter((name) => !networksBefore.has(name))) await removeSwarmNetwork(network).catch(() => undefined);
  });

  it('refuses in one line, deploying nothing, while a secret is missing', () => {
    for (const secret of SECRETS) spawnSync('docker', ['secret', 'rm', secret], { stdio: 'ignore' });
    const result = deploy(['--no-wait']);
    expect(result.status).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.include('missing Docker secrets: ');
    for (const secret of SECRETS) expect(result.stderr).to.include(secret);
    expect(docker('stack', 'ls', '--format', '{{.Name}}').split('\n')).to.not.include.members(STACKS);
  });

  it('rejects an unknown stack name in one line', () => {
    const result = deploy(['databse']);
    expect(result.status).to.equal(1);
    expect(result.stderr.trim()).to.equal(`deploy: unknown stack databse (one of: ${STACKS.join(' ')})`);
  });

  it('refuses the proxy stack in one line without a real ACME e-mail address or with an example domain', () => {
    const noEmail = deploy(['--no-wait', 'proxy'], { ACME_EMAIL: '' });
    expect(noEmail.status).to.equal(1);
    expect(noEmail.stderr.trim().split('\n')).to.have.length(1);
    expect(noEmail.stderr).to.match(/^deploy: set ACME_EMAIL /);
    const exampleDomain = deploy(['--no-wait', 'proxy'], { APP_DOMAIN: 'app.example.com' });
    expect(exampleDomain.status).to.equal(1);
    expect(exampleDomain.stderr).to.match(/^deploy: set APP_DOMAIN .*got 'app\.example\.com'/);
    expect(docker('stack', 'ls', '--format', '{{.Name}}').split('\n')).to.not.include('proxy');
  });

  it('deploys every stack, which the daemon accepts as specified', () => {
    for (const secret of SECRETS) {
      execFileSync('docker', ['secret', 'create', secret, '-'], { input: `e2e-${secret}-0123456789abcdef` });
      created.push(secret);
    }
    const result = deploy(['--no-wait'], { TAG: 'e2e' });
    expect(result.status, result.stderr).to.equal(0);
    for (const network of NETWORKS) expect(docker('network', 'inspect', '--format', '{{.Driver}}', network)).to.equal('overlay');

    const services = docker('service', 'ls', '--format', '{{.Name}}').split('\n');
    expect(services).to.include.members([
      'db_postgres', 'db_backup', 'proxy_traefik', 'monitoring_prometheus', 'monitoring_alertmanager', 'monitoring_grafana',
      'monitoring_node-exporter', 'monitoring_cadvisor', 'migrate_migrate', 'app_api', 'autoscaler_autoscaler',
    ]);

    const api = inspect('app_api');
    expect(api.Mode.Replicated?.Replicas).to.equal(3);
    expect(api.EndpointSpec?.Mode).to.equal('dnsrr');
    expect(api.UpdateConfig).to.include({ Parallelism: 1, Order: 'start-first', FailureAction: 'rollback' });
    expect(api.TaskTemplate.Placement?.MaxReplicas ?? 0).to.equal(0);
    expect(api.TaskTemplate.ContainerSpec.ReadOnly).to.equal(true);
    expect(api.TaskTemplate.ContainerSpec.Secrets?.map((s) => s.SecretName).sort()).to.deep.equal(['app_api_token', 'postgres_password']);
    expect(api.Labels).to.include({ 'autoscaler.enable': 'true', 'prometheus.port': '9464', 'traefik.http.services.app.loadbalancer.server.port': '3000' });
    expect(inspect('monitoring_node-exporter').Mode.Global).to.deep.equal({});
    expect(inspect('monitoring_cadvisor').Mode.Global).to.deep.equal({});
    expect(inspect('db_postgres').TaskTemplate.Placement?.Constraints).to.include('node.labels.db == true');
  });

  it('deploys with Debian\'s docker.io 20.10 client too, all but the migrate job and the app it precedes', function () {
    // /usr/bin/docker is docker.io's client; the machine's PATH may put a newer one first.
    const version = spawnSync('/usr/bin/docker', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' }).stdout.trim();
    expect(version, 'docker.io is installed by scripts/ci/start-docker.sh').to.match(/^20\./);
    const dir = mkdtempSync(path.join(tmpdir(), 'old-docker-'));
    symlinkSync('/usr/bin/docker', path.join(dir, 'docker'));
    const withOldClient = (args: string[]) => deploy(['--no-wait', ...args], { TAG: 'e2e', PATH: `${dir}:${process.env.PATH}` });
    const result = withOldClient(STACKS.filter((name) => name !== 'migrate' && name !== 'app'));
    // Jobs in stack files came with client 23 (docker/cli#2907): deploy.sh says so, in one line.
    const app = withOldClient(['app']);
    rmSync(dir, { recursive: true, force: true });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.include('deploy: autoscaler');
    expect(app.status).to.equal(1);
    expect(app.stderr.trim()).to.match(/^deploy: the migrate job \(mode replicated-job\) needs a Docker client 23 or later; this one is 20\./);
  });

  it('names each config after a hash of the files, so a changed file rolls out', () => {
    const configs = inspect('monitoring_prometheus').TaskTemplate.ContainerSpec.Configs!.map((c) => c.ConfigName);
    expect(configs).to.have.length(3);
    for (const name of configs) expect(name).to.match(/^prometheus_[a-z_]+_[0-9a-f]{12}$/);
    const version = configs[0]!.slice(-12);
    expect(inspect('db_backup').TaskTemplate.ContainerSpec.Configs!.map((c) => c.ConfigName)).to.deep.equal([`db_backup_script_${version}`]);
  });

  it('is idempotent: a second run with nothing changed succeeds and keeps the same configs', () => {
    const before = inspect('monitoring_grafana').TaskTemplate.ContainerSpec.Configs!.map((c) => c.ConfigName).sort();
    const result = deploy(['--no-wait', 'monitoring'], { TAG: 'e2e' });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.include('deploy: done, nothing changed');
    expect(inspect('monitoring_grafana').TaskTemplate.ContainerSpec.Configs!.map((c) => c.ConfigName).sort()).to.deep.equal(before);
  });
});

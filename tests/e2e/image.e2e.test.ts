import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { buildImage, E2E_COMMIT as COMMIT, runInRepo as run } from '../helpers/images';
import { until } from '../helpers/wait';

// The service image, built from stack/Dockerfile on the offline base that
// scripts/images/build-node-base.sh makes, and run the way the stack runs it.
const IMAGE = 'local/swarm-platform-app:e2e';
/** Waits for the container's HEALTHCHECK to pass, bounded; a timeout shows the container's logs. */
const untilHealthy = (name: string) =>
  until(`${name} to be healthy`, async () => (run('docker', ['inspect', '--format', '{{.State.Health.Status}}', name]) === 'healthy' ? true : undefined), 60_000, 500)
    .catch((error: Error) => {
      throw new Error(`${error.message}: ${run('docker', ['logs', name])}`);
    });

describe('service image (e2e)', function () {
  this.timeout(120_000);
  const name = `image-e2e-${process.pid}`;
  const volume = `${name}-data`;
  let base = '';

  before(function () {
    this.timeout(20 * 60_000); // a fresh machine debootstraps and compiles better-sqlite3
    buildImage('app', IMAGE);
  });

  after(() => {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    spawnSync('docker', ['volume', 'rm', volume], { stdio: 'ignore' });
  });

  const startContainer = async () => {
    run('docker', ['run', '-d', '--name', name, '--read-only', '--tmpfs', '/tmp', '-v', `${volume}:/app/data`, '-p', '127.0.0.1::3000', '-p', '127.0.0.1::9464', IMAGE]);
    const port = (inner: number) => Number(run('docker', ['port', name, `${inner}/tcp`]).split('\n')[0]?.split(':').pop());
    base = `http://127.0.0.1:${port(3000)}`;
    await untilHealthy(name);
    return { metrics: `http://127.0.0.1:${port(9464)}` };
  };

  it('should run as the unprivileged node user with a node-only health check and OCI labels', () => {
    const config = JSON.parse(run('docker', ['image', 'inspect', '--format', '{{json .Config}}', IMAGE]));
    expect(config.User).to.equal('node');
    expect(config.Healthcheck.Test.slice(0, 2)).to.deep.equal(['CMD', 'node']);
    expect(config.Cmd.slice(0, 1)).to.deep.equal(['node']);
    expect(config.Labels).to.include({ 'org.opencontainers.image.revision': COMMIT, 'org.opencontainers.image.version': '0.1.0' });
  });

  it('should turn healthy on a read-only root file system and serve, with its build in app_info', async () => {
    const { metrics } = await startContainer();
    expect(run('docker', ['exec', name, 'id', '-u'])).to.equal('1000');
    expect((await fetch(`${base}/hello`)).status).to.equal(200);
    const put = await fetch(`${base}/hello/Zoe`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"dateOfBirth":"2000-01-01"}' });
    expect(put.status).to.equal(204);
    expect(await (await fetch(`${metrics}/metrics`)).text()).to.include(`app_info{version="0.1.0",commit="${COMMIT}"} 1`);
  });

  it('should drain and exit 0 on docker stop, and keep its data in the volume', async () => {
    run('docker', ['stop', '-t', '20', name], 30_000);
    expect(run('docker', ['inspect', '--format', '{{.State.ExitCode}}', name])).to.equal('0');
    expect(run('docker', ['logs', name])).to.include('"msg":"stopped"');
    run('docker', ['rm', name]);
    await startContainer();
    expect((await fetch(`${base}/hello/Zoe`)).status).to.equal(200);
  });
});

describe('autoscaler image (e2e)', function () {
  this.timeout(120_000);
  const AUTOSCALER_IMAGE = 'local/swarm-platform-autoscaler:e2e';
  const name = `autoscaler-image-e2e-${process.pid}`;

  before(function () {
    this.timeout(10 * 60_000); // shares the build stage with the service image just built
    buildImage('autoscaler', AUTOSCALER_IMAGE);
  });

  after(() => {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  });

  it('should refuse bad settings with exit 1 and one line', () => {
    const result = spawnSync('docker', ['run', '--rm', '--read-only', '-e', 'PROMETHEUS_URL=ftp://x', AUTOSCALER_IMAGE], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.include('PROMETHEUS_URL');
  });

  it('should run unprivileged and read-only, stay healthy while Prometheus is unreachable, and stop with exit 0', async () => {
    // Nothing listens on 127.0.0.1:9 inside the container: every tick fails and is counted.
    run('docker', ['run', '-d', '--name', name, '--read-only', '-e', 'PROMETHEUS_URL=http://127.0.0.1:9', '-e', 'AUTOSCALER_INTERVAL=1s', AUTOSCALER_IMAGE]);
    await untilHealthy(name);
    expect(run('docker', ['exec', name, 'id', '-u'])).to.equal('1000');
    run('docker', ['stop', '-t', '20', name], 30_000);
    expect(run('docker', ['inspect', '--format', '{{.State.ExitCode}}', name])).to.equal('0');
  });
});

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDockerApi, DockerApiError, type SwarmService } from '../../scripts/autoscaler/docker-api';

// The Engine API client against the real dockerd and single-node Swarm that
// scripts/ci/start-docker.sh starts (.ci/run runs it before this suite).
const IMAGE = 'autoscaler-test/busybox:1';
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Docker Engine API client (real Swarm)', () => {
  const api = createDockerApi(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const name = `astest-${process.pid}`;
  let service: SwarmService;

  before(async () => {
    docker('service', 'create', '--detach', '--quiet', '--name', name, '--replicas', '1', '--label', 'autoscaler.enable=true', '--label', 'autoscaler.max=4', IMAGE);
    service = await waitFor('the service to be listed', async () => (await api.listManagedServices()).find((s) => s.Spec.Name === name));
  });
  after(() => {
    execFileSync('docker', ['service', 'rm', name], { stdio: 'ignore' });
  });

  it('should list services labelled autoscaler.enable=true with their labels and replicas', async () => {
    expect(service.Spec.Labels).to.include({ 'autoscaler.enable': 'true', 'autoscaler.max': '4' });
    expect(service.Spec.Mode.Replicated?.Replicas).to.equal(1);
  });

  it('should scale a service with its version index, and list only running tasks', async () => {
    await api.scaleService(await api.inspectService(service.ID), 3);
    const tasks = await waitFor('3 running tasks', async () => {
      const running = await api.runningTasks(service.ID);
      return running.length === 3 ? running : undefined;
    });
    for (const task of tasks) expect(Date.parse(task.Status.Timestamp)).to.be.above(0);
    expect((await api.inspectService(service.ID)).Spec.Mode.Replicated?.Replicas).to.equal(3);
  });

  it('should report an update made against a stale version as out of sequence', async () => {
    const stale = await api.inspectService(service.ID);
    await api.scaleService(stale, 2); // moves the version on
    let error: unknown;
    await api.scaleService(stale, 4).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(DockerApiError);
    expect((error as DockerApiError).outOfSequence, (error as Error).message).to.equal(true);
    expect((await api.inspectService(service.ID)).Spec.Mode.Replicated?.Replicas).to.equal(2);
  });

  it('should list a service whatever the spelling of its enable label, leaving the verdict to the label parser', async () => {
    const upper = `${name}-upper`;
    docker('service', 'create', '--detach', '--quiet', '--name', upper, '--replicas', '0', '--label', 'autoscaler.enable=TRUE', '--label', 'autoscaler.max=2', IMAGE);
    try {
      const listed = await waitFor('the TRUE-labelled service', async () => (await api.listManagedServices()).find((s) => s.Spec.Name === upper));
      expect(listed.Spec.Labels).to.include({ 'autoscaler.enable': 'TRUE' });
    } finally {
      execFileSync('docker', ['service', 'rm', upper], { stdio: 'ignore' });
    }
  });

  it('should report a removed service as not found', async () => {
    let error: unknown;
    await api.inspectService('no-such-service-id').catch((e: unknown) => (error = e));
    expect((error as DockerApiError).notFound).to.equal(true);
  });
});

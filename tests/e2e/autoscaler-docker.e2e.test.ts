import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createDockerApi, DockerApiError, type SwarmService } from '../../scripts/autoscaler/docker-api';
import { docker, TEST_IMAGE } from '../helpers/docker';
import { until } from '../helpers/wait';

// The Engine API client against the real dockerd and single-node Swarm that
// scripts/ci/start-docker.sh starts (.ci/run runs it before this suite).
describe('Docker Engine API client (real Swarm)', () => {
  const api = createDockerApi(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const name = `astest-${process.pid}`;
  let service: SwarmService;

  before(async () => {
    docker('service', 'create', '--detach', '--quiet', '--name', name, '--replicas', '1', '--label', 'autoscaler.enable=true', '--label', 'autoscaler.max=4', TEST_IMAGE);
    service = await until('the service to be listed', async () => (await api.listManagedServices()).find((s) => s.Spec.Name === name), 60_000, 250);
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
    const tasks = await until('3 running tasks', async () => {
      const running = await api.runningTasks(service.ID);
      return running.length === 3 ? running : undefined;
    }, 60_000, 250);
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
    docker('service', 'create', '--detach', '--quiet', '--name', upper, '--replicas', '0', '--label', 'autoscaler.enable=TRUE', '--label', 'autoscaler.max=2', TEST_IMAGE);
    try {
      const listed = await until('the TRUE-labelled service', async () => (await api.listManagedServices()).find((s) => s.Spec.Name === upper), 60_000, 250);
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

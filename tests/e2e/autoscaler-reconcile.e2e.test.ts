import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { ScalingHistory } from '../../scripts/autoscaler/decision';
import { createDockerApi, type DockerApi } from '../../scripts/autoscaler/docker-api';
import { createAutoscalerMetrics } from '../../scripts/autoscaler/metrics';
import { createPrometheus } from '../../scripts/autoscaler/prometheus';
import { reconcileOnce, type ReconcileDeps } from '../../scripts/autoscaler/reconcile';
import { tempDir } from '../helpers/databases';
import { docker, TEST_IMAGE } from '../helpers/docker';
import { capturingLogger } from '../helpers/logger';
import { startPrometheus, type PrometheusProcess } from '../helpers/real-prometheus';
import { sleep, until } from '../helpers/wait';

// The reconcile step against real components: Debian's Prometheus on 127.0.0.1 scraping an
// exporter this test controls (per-task CPU counters for the tasks of a real Swarm service),
// and the single-node Swarm that scripts/ci/start-docker.sh starts.

/**
 * Serves process_cpu_seconds_total for each running task of a service, growing at `coresPerTask`.
 * The handler is synchronous (the task list is refreshed in the background): a scrape that waited
 * on a slow Docker API while another ran would add the same interval twice and double the rate.
 */
function cpuExporter(api: DockerApi, serviceName: () => string) {
  let coresPerTask = 0;
  let taskIds: string[] = [];
  const counters = new Map<string, { value: number; at: number }>();
  const refresh = setInterval(() => {
    api.runningTasks(serviceName()).then((tasks) => (taskIds = tasks.map((task) => task.ID)), () => undefined);
  }, 500);
  const server = http.createServer((_req, res) => {
    const now = Date.now();
    const lines = taskIds.map((id) => {
      const counter = counters.get(id) ?? { value: 0, at: now };
      counter.value += (coresPerTask * (now - counter.at)) / 1000;
      counter.at = now;
      counters.set(id, counter);
      return `process_cpu_seconds_total{swarm_service="${serviceName()}",swarm_task_id="${id}"} ${counter.value}`;
    });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE process_cpu_seconds_total counter\n${lines.join('\n')}\n`);
  });
  return { server, setCores: (cores: number) => (coresPerTask = cores), stop: () => clearInterval(refresh) };
}

describe('autoscaler reconcile on real Prometheus and Swarm (e2e)', function () {
  this.timeout(180_000);
  const api = createDockerApi(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const name = `asrec-${process.pid}`;
  const temp = tempDir('autoscaler-e2e-');
  const exporter = cpuExporter(api, () => name);
  let prometheus: PrometheusProcess;
  let deps: ReconcileDeps;
  let logLines: Record<string, unknown>[];
  let registry: Registry;

  const replicas = async () => (await api.inspectService(name)).Spec.Mode.Replicated?.Replicas ?? -1;
  const tick = () => reconcileOnce(deps, Date.now());
  const lastDecision = () => logLines.filter((l) => l.service === name && l.reason !== undefined).at(-1);
  const errorCount = async () => ((await registry.getSingleMetric('autoscaler_errors_total')?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

  before(async () => {
    await new Promise<void>((resolve) => exporter.server.listen(0, '127.0.0.1', resolve));
    const exporterPort = (exporter.server.address() as AddressInfo).port;
    prometheus = await startPrometheus(
      temp.dir,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tasks\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    );

    docker('service', 'create', '--detach', '--quiet', '--name', name, '--replicas', '1', '--limit-cpu', '1',
      '--label', 'autoscaler.enable=true', '--label', 'autoscaler.max=4', '--label', 'autoscaler.cpu.target=0.5',
      '--label', 'autoscaler.initialization-period=0s', '--label', 'autoscaler.scale-down.window=10s', TEST_IMAGE);
    await until('the first task to run', async () => ((await api.runningTasks(name)).length === 1 ? true : undefined));

    const captured = capturingLogger('debug');
    logLines = captured.lines;
    registry = new Registry();
    deps = {
      docker: api,
      prometheus: createPrometheus(prometheus.url),
      logger: captured.logger,
      metrics: createAutoscalerMetrics(registry),
      settings: { tolerance: 0.1, dryRun: false, cpuMetric: 'process', rateWindow: '5s', updateAttempts: 3 },
      histories: new Map<string, ScalingHistory>(),
    };
  });

  after(async () => {
    prometheus?.stop();
    exporter.stop();
    exporter.server.close();
    execFileSync('docker', ['service', 'rm', name], { stdio: 'ignore' });
    temp.remove();
  });

  it('should scale a real service up when the exported CPU rises, and back down after the window', async () => {
    // 1.6x the 0.5 target on one task, below the 0.9 saturation threshold (a saturated task asks for
    // the rate policies' maximum instead of the proportional count these tests check).
    exporter.setCores(0.8);
    await until('a scale-up to 2', async () => {
      await tick();
      return (await replicas()) === 2 ? true : undefined;
    }, 60_000, 1000);
    const up = logLines.find((l) => l.reason === 'ScaleUp');
    expect(up).to.deep.include({ currentReplicas: 1, desiredReplicas: 2 });

    exporter.setCores(0.05);
    await until('the low CPU to show', async () => {
      await tick();
      return logLines.some((l) => l.reason === 'StabilizedDown') ? true : undefined;
    }, 60_000, 1000);
    expect(await replicas(), 'held during the scale-down window').to.equal(2);
    await until('a scale-down to 1 after the window', async () => {
      await tick();
      return (await replicas()) === 1 ? true : undefined;
    }, 60_000, 1000);
    const metricsText = await registry.metrics();
    expect(metricsText).to.match(new RegExp(`autoscaler_scale_events_total\\{service="${name}",direction="up"\\} 1`));
    expect(metricsText).to.match(new RegExp(`autoscaler_scale_events_total\\{service="${name}",direction="down"\\} 1`));
    // The bounds the ServiceAtMaxReplicas alert compares against.
    expect(metricsText).to.match(new RegExp(`autoscaler_max_replicas\\{service="${name}"\\} 4`));
    expect(metricsText).to.match(new RegExp(`autoscaler_min_replicas\\{service="${name}"\\} 1`));
  });

  it('should retry an update refused because the service changed meanwhile', async () => {
    exporter.setCores(0.8);
    await sleep(6000); // let the rate window fill with the new level
    // A real concurrent change lands between the autoscaler's read and its write.
    const scaleService = api.scaleService;
    let raced = false;
    deps.docker = {
      ...api,
      scaleService: async (service, count) => {
        if (!raced) {
          raced = true;
          docker('service', 'update', '--detach', '--quiet', '--label-add', 'concurrent=change', name);
        }
        return scaleService(service, count);
      },
    };
    try {
      await tick();
    } finally {
      deps.docker = api;
    }
    expect(raced).to.equal(true);
    expect(logLines.some((l) => String(l.msg).includes('update out of sequence'))).to.equal(true);
    expect(await replicas(), JSON.stringify(lastDecision())).to.equal(2);
    expect((await api.inspectService(name)).Spec.Labels).to.include({ concurrent: 'change' });
  });

  it('should decide and log but not update under DRY_RUN', async () => {
    exporter.setCores(0.85); // 1.7x the target on 2 tasks, unsaturated: asks for ceil(3.4) = 4
    await sleep(6000);
    deps.settings = { ...deps.settings, dryRun: true };
    try {
      await tick();
    } finally {
      deps.settings = { ...deps.settings, dryRun: false };
    }
    const line = lastDecision();
    expect(line).to.deep.include({ dryRun: true, currentReplicas: 2, desiredReplicas: 4 });
    expect(await replicas()).to.equal(2);
  });

  it('should leave a service in the middle of a rolling update alone', async () => {
    docker('service', 'update', '--detach', '--quiet', '--update-parallelism', '1', '--update-delay', '60s', '--env-add', 'ROLL=1', name);
    await until('the rolling update to start', async () => ((await api.inspectService(name)).UpdateStatus?.State === 'updating' ? true : undefined), 30_000);
    exporter.setCores(1); // would ask for 4
    await sleep(6000);
    const before = await replicas();
    await tick();
    expect(await replicas()).to.equal(before);
    expect(logLines.some((l) => l.msg === 'rolling update in progress; left alone' && l.service === name)).to.equal(true);
  });

  it('should ignore a global-mode service even when it carries the labels', async () => {
    const globalName = `${name}-global`;
    docker('service', 'create', '--detach', '--quiet', '--name', globalName, '--mode', 'global', '--label', 'autoscaler.enable=true', '--label', 'autoscaler.max=4', TEST_IMAGE);
    try {
      const errorsBefore = await errorCount();
      await tick();
      expect(logLines.some((l) => l.service === globalName && l.msg === 'global-mode service: ignored')).to.equal(true);
      expect(logLines.some((l) => l.service === globalName && l.reason !== undefined)).to.equal(false);
      expect(await errorCount()).to.equal(errorsBefore);
    } finally {
      execFileSync('docker', ['service', 'rm', globalName], { stdio: 'ignore' });
    }
  });

  it('should not count a managed service removed in the middle of a tick as an error', async () => {
    const doomed = `${name}-doomed`;
    docker('service', 'create', '--detach', '--quiet', '--name', doomed, '--replicas', '1', '--label', 'autoscaler.enable=true', '--label', 'autoscaler.max=4', '--label', 'autoscaler.min=2', TEST_IMAGE);
    await until('the doomed service to be listed', async () => ((await api.listManagedServices()).some((s) => s.Spec.Name === doomed) ? true : undefined));
    // min=2 makes the autoscaler scale it; the service is really removed just before the update.
    deps.docker = {
      ...api,
      scaleService: async (service, count) => {
        if (service.Spec.Name === doomed) execFileSync('docker', ['service', 'rm', doomed], { stdio: 'ignore' });
        return api.scaleService(service, count);
      },
    };
    try {
      const errorsBefore = await errorCount();
      await tick();
      expect(logLines.some((l) => l.service === doomed && l.msg === 'service removed while scaling; nothing to do')).to.equal(true);
      expect(await errorCount()).to.equal(errorsBefore);
    } finally {
      deps.docker = api;
      spawnSync('docker', ['service', 'rm', doomed], { stdio: 'ignore' }); // usually gone already
    }
  });

  it('should leave replicas unchanged when Prometheus is stopped, and count the error', async () => {
    prometheus?.stop();
    await sleep(500);
    docker('service', 'update', '--detach', '--quiet', '--rollback', name); // end the slow rolling update
    await until('the service to settle', async () => (['updating', 'rollback_started'].includes((await api.inspectService(name)).UpdateStatus?.State ?? '') ? undefined : true), 60_000);
    const before = await replicas();
    await tick();
    expect(await replicas()).to.equal(before);
    expect(await registry.metrics()).to.match(/autoscaler_errors_total\{kind="prometheus"\} [1-9]/);
  });
});

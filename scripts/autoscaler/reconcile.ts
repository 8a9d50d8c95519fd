// One tick of the loop: fetch each managed service's state and samples, decide, act, record.
// Every failure is caught, logged and counted per service; nothing here stops the loop.
import type { Logger } from 'pino';
import { decide, EMPTY_HISTORY, type ScalingHistory } from './decision';
import { DockerApiError, type DockerApi, type SwarmService } from './docker-api';
import { readServiceLabels } from './labels';
import type { AutoscalerMetrics } from './metrics';
import { perTaskQuery, TASK_LABEL, type CpuMetric, type Prometheus } from './prometheus';

export interface ReconcileSettings {
  tolerance: number;
  dryRun: boolean;
  cpuMetric: CpuMetric;
  rateWindow: string;
  /** Tries of an update refused as out of sequence, each after re-reading the service. */
  updateAttempts: number;
}

export interface ReconcileDeps {
  docker: DockerApi;
  prometheus: Prometheus;
  logger: Logger;
  metrics: AutoscalerMetrics;
  settings: ReconcileSettings;
  /** Per service id, kept between ticks by the loop. */
  histories: Map<string, ScalingHistory>;
}

const ROLLING_STATES = new Set(['updating', 'rollback_started']);

export async function reconcileOnce(deps: ReconcileDeps, nowMs: number): Promise<void> {
  const { docker, logger, metrics } = deps;
  let services: SwarmService[];
  try {
    services = await docker.listManagedServices();
  } catch (error) {
    metrics.errors.inc({ kind: 'docker' });
    logger.error({ err: error }, 'cannot list services; nothing changes this tick');
    return;
  }
  const seen = new Set(services.map((s) => s.ID));
  for (const id of deps.histories.keys()) if (!seen.has(id)) deps.histories.delete(id);
  for (const service of services) {
    try {
      await reconcileService(deps, service, nowMs);
    } catch (error) {
      metrics.errors.inc({ kind: error instanceof DockerApiError ? 'docker' : 'internal' });
      logger.error({ err: error, service: service.Spec.Name }, 'reconciling the service failed; no change');
    }
  }
}

async function reconcileService(deps: ReconcileDeps, service: SwarmService, nowMs: number): Promise<void> {
  const { docker, prometheus, logger, metrics, settings } = deps;
  const name = service.Spec.Name;
  const log = logger.child({ service: name });
  if (service.Spec.Mode.Global !== undefined) {
    log.debug('global-mode service: ignored');
    return;
  }
  const reading = readServiceLabels(service.Spec.Labels ?? {});
  if (!reading.managed) return;
  if ('problems' in reading) {
    metrics.errors.inc({ kind: 'labels' });
    log.warn({ problems: reading.problems }, 'invalid autoscaler labels; service skipped');
    return;
  }
  if (ROLLING_STATES.has(service.UpdateStatus?.State ?? '')) {
    log.info({ updateState: service.UpdateStatus?.State }, 'rolling update in progress; left alone');
    return;
  }
  const { policy } = reading;
  const currentReplicas = service.Spec.Mode.Replicated?.Replicas ?? 0;
  const tasks = await docker.runningTasks(service.ID);
  let values: Map<string, number>;
  const query = perTaskQuery(policy.metric, name, settings.cpuMetric, settings.rateWindow);
  try {
    values = await prometheus.valuesByLabel(query, TASK_LABEL);
  } catch (error) {
    metrics.errors.inc({ kind: 'prometheus' });
    log.warn({ err: error, query }, 'no metrics; no change');
    return;
  }
  // CPU is compared as a fraction of the task's limit (of one core when it has none).
  const nanoCpus = service.Spec.TaskTemplate.Resources?.Limits?.NanoCPUs;
  const divisor = policy.metric.kind === 'cpu' && nanoCpus ? nanoCpus / 1e9 : 1;
  const samples = tasks.map((task) => {
    const value = values.get(task.ID);
    return { startedAtMs: Date.parse(task.Status.Timestamp), value: value === undefined ? undefined : value / divisor };
  });

  const decision = decide({
    spec: { ...policy.spec, tolerance: settings.tolerance },
    currentReplicas,
    tasks: samples,
    history: deps.histories.get(service.ID) ?? EMPTY_HISTORY,
    nowMs,
  });
  deps.histories.set(service.ID, decision.history);
  metrics.currentReplicas.set({ service: name }, currentReplicas);
  metrics.desiredReplicas.set({ service: name }, decision.desiredReplicas);
  metrics.minReplicas.set({ service: name }, policy.spec.minReplicas);
  metrics.maxReplicas.set({ service: name }, policy.spec.maxReplicas);
  metrics.metricTarget.set({ service: name }, policy.spec.target);
  if (decision.metricValue !== undefined) metrics.metricValue.set({ service: name }, decision.metricValue);
  log.info(
    {
      currentReplicas,
      desiredReplicas: decision.desiredReplicas,
      recommendedReplicas: decision.recommendedReplicas,
      runningTasks: tasks.length,
      sampledTasks: samples.filter((s) => s.value !== undefined).length,
      metricValue: decision.metricValue,
      target: policy.spec.target,
      reason: decision.reason,
      dryRun: settings.dryRun,
    },
    decision.message,
  );
  if (decision.desiredReplicas === currentReplicas || settings.dryRun) return;
  if (await updateWithRetry(deps, service, decision.desiredReplicas)) {
    metrics.scaleEvents.inc({ service: name, direction: decision.desiredReplicas > currentReplicas ? 'up' : 'down' });
  }
}

/** Applies the replica count; re-reads and retries when Swarm says the version was stale. */
async function updateWithRetry(deps: ReconcileDeps, service: SwarmService, replicas: number): Promise<boolean> {
  const { docker, logger, metrics, settings } = deps;
  let current = service;
  for (let attempt = 1; attempt <= settings.updateAttempts; attempt++) {
    try {
      await docker.scaleService(current, replicas);
      return true;
    } catch (error) {
      if (!(error instanceof DockerApiError)) throw error;
      if (error.notFound) {
        logger.info({ service: service.Spec.Name }, 'service removed while scaling; nothing to do');
        return false;
      }
      if (!error.outOfSequence || attempt === settings.updateAttempts) {
        metrics.errors.inc({ kind: 'update' });
        logger.error({ err: error, service: service.Spec.Name, attempt }, 'scaling failed');
        return false;
      }
      logger.info({ service: service.Spec.Name, attempt }, 'service changed meanwhile (update out of sequence); re-reading');
      current = await docker.inspectService(service.ID);
      if (ROLLING_STATES.has(current.UpdateStatus?.State ?? '')) return false;
    }
  }
  return false;
}

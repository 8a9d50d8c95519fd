// One tick of the loop: fetch each managed service's state and samples, decide, act, record.
// Every failure is caught, logged and counted per service; nothing here stops the loop.
import type { Logger } from 'pino';
import { decide, EMPTY_HISTORY, type ScalingHistory, type Signal } from './decision';
import { DockerApiError, type DockerApi, type SwarmService } from './docker-api';
import { readServiceLabels } from './labels';
import type { AutoscalerMetrics } from './metrics';
import { DEFAULT_QUERY_OPTIONS, perTaskQuery, TASK_LABEL, type CpuMetric, type Prometheus } from './prometheus';
import { toSignal } from './signals';

export interface ReconcileSettings {
  tolerance: number;
  dryRun: boolean;
  cpuMetric: CpuMetric;
  rateWindow: string;
  /** The request counter of the request-rate signal; `http_requests_total` when unset. */
  requestRateMetric?: string;
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
  const options = { cpuMetric: settings.cpuMetric, rateWindow: settings.rateWindow, requestRateMetric: settings.requestRateMetric ?? DEFAULT_QUERY_OPTIONS.requestRateMetric };
  const nanoCpus = service.Spec.TaskTemplate.Resources?.Limits?.NanoCPUs;
  const signals: Signal[] = [];
  let answered = 0;
  for (const source of policy.metrics) {
    const query = perTaskQuery(source, name, options);
    let values = new Map<string, number>();
    try {
      values = await prometheus.valuesByLabel(query, TASK_LABEL);
      answered++;
    } catch (error) {
      metrics.errors.inc({ kind: 'prometheus' });
      log.warn({ err: error, query }, 'no metrics for this signal; no scale-down on it');
    }
    // A signal without values still counts: it blocks scaling down.
    signals.push(toSignal(source, tasks, values, nanoCpus));
  }
  if (answered === 0) {
    log.warn('no signal answered; no change');
    return;
  }

  const decision = decide({
    spec: { ...policy.spec, tolerance: settings.tolerance },
    currentReplicas,
    signals,
    history: deps.histories.get(service.ID) ?? EMPTY_HISTORY,
    nowMs,
  });
  deps.histories.set(service.ID, decision.history);
  metrics.currentReplicas.set({ service: name }, currentReplicas);
  metrics.desiredReplicas.set({ service: name }, decision.desiredReplicas);
  metrics.minReplicas.set({ service: name }, policy.spec.minReplicas);
  metrics.maxReplicas.set({ service: name }, policy.spec.maxReplicas);
  metrics.decisions.inc({ service: name, reason: decision.reason });
  for (const signal of signals) {
    metrics.metricTarget.set({ service: name, signal: signal.name }, signal.target);
    const value = decision.metricValues[signal.name];
    if (value !== undefined) metrics.metricValue.set({ service: name, signal: signal.name }, value);
  }
  log.info(
    {
      currentReplicas,
      desiredReplicas: decision.desiredReplicas,
      recommendedReplicas: decision.recommendedReplicas,
      runningTasks: tasks.length,
      sampledTasks: Object.fromEntries(signals.map((s) => [s.name, s.tasks.filter((t) => t.value !== undefined).length])),
      signal: decision.signal,
      metricValue: decision.metricValue,
      metricValues: decision.metricValues,
      targets: Object.fromEntries(signals.map((s) => [s.name, s.target])),
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

// The autoscaler process: reads its settings, then reconciles every AUTOSCALER_INTERVAL until
// SIGTERM, with /metrics and /health on METRICS_PORT.
import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError } from '../../service/shared/env';
import { createMetricsServer } from '../../service/shared/metrics-server';
import { loadAutoscalerConfig } from './config';
import type { ScalingHistory } from './decision';
import { createDockerApi } from './docker-api';
import { startLoop } from './loop';
import { createAutoscalerMetrics } from './metrics';
import { createPrometheus } from './prometheus';
import { reconcileOnce } from './reconcile';

const UPDATE_ATTEMPTS = 3;

function main(): void {
  const config = loadAutoscalerConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'autoscaler' } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createAutoscalerMetrics(registry);
  const deps = {
    docker: createDockerApi(config.dockerHost),
    prometheus: createPrometheus(config.prometheusUrl),
    logger,
    metrics,
    settings: { tolerance: config.tolerance, dryRun: config.dryRun, cpuMetric: config.cpuMetric, rateWindow: config.rateWindow, requestRateMetric: config.requestRateMetric, updateAttempts: UPDATE_ATTEMPTS },
    histories: new Map<string, ScalingHistory>(),
  };
  let lastTickEndedMs = Date.now();

  const server = createMetricsServer(registry, () => {
    // Unhealthy when the loop has not finished a tick for three intervals: it is stuck.
    const healthy = Date.now() - lastTickEndedMs < 3 * config.intervalMs + 10_000;
    return { healthy, status: healthy ? 'ok' : 'stuck' };
  });
  server.on('error', (error) => {
    process.stderr.write(`cannot start: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(config.metricsPort, () => {
    const address = server.address();
    logger.info({ port: typeof address === 'object' && address ? address.port : config.metricsPort, intervalMs: config.intervalMs, dryRun: config.dryRun }, 'autoscaler started');
  });

  const loop = startLoop({
    intervalMs: config.intervalMs,
    tick: () => reconcileOnce(deps, Date.now()),
    onError: (error) => {
      metrics.errors.inc({ kind: 'internal' });
      logger.error({ err: error }, 'tick failed');
    },
    onTickDone: (seconds) => {
      lastTickEndedMs = Date.now();
      metrics.loopDuration.observe(seconds);
    },
  });

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping after the tick in progress');
    void loop.stop().then(() => {
      server.close();
      logger.flush();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `cannot start: ${(error as Error).message}`}\n`);
  process.exit(1);
}

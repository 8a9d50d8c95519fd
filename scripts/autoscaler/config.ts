import { z } from 'zod';
import { ConfigError, describeIssues, duration, flag, logLevel, port, setVariables } from '../../service/shared/env';
import type { CpuMetric } from './prometheus';

export interface AutoscalerConfig {
  prometheusUrl: string;
  dockerHost: string;
  intervalMs: number;
  dryRun: boolean;
  tolerance: number;
  metricsPort: number;
  logLevel: string;
  cpuMetric: CpuMetric;
  rateWindow: string;
  requestRateMetric: string;
}

const schema = z.object({
  PROMETHEUS_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^:/]+:\d+\/?)$/, 'must be unix:///path or tcp://host:port')
    .default('unix:///var/run/docker.sock'),
  AUTOSCALER_INTERVAL: duration(1000, 'must be a duration of at least 1s, such as 15s').default(15_000),
  DRY_RUN: flag.default(false),
  TOLERANCE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number from 0 to 1')
    .transform(Number)
    .refine((n) => n >= 0 && n < 1, 'must be a number from 0 to 1')
    .default(0.1),
  METRICS_PORT: port.default(9465),
  LOG_LEVEL: logLevel.default('info'),
  CPU_METRIC: z.enum(['process', 'cadvisor'], { error: 'must be process or cadvisor' }).default('process'),
  CPU_RATE_WINDOW: z.string().regex(/^\d+[smh]$/, 'must be a PromQL duration such as 1m').default('1m'),
  REQUEST_RATE_METRIC: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name').default('http_requests_total'),
});

/** Every setting from the environment at once; empty counts as unset. Throws a ConfigError. */
export function loadAutoscalerConfig(env: NodeJS.ProcessEnv): Readonly<AutoscalerConfig> {
  const parsed = schema.safeParse(setVariables(env, schema.shape));
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues));
  const v = parsed.data;
  return Object.freeze({
    prometheusUrl: v.PROMETHEUS_URL,
    dockerHost: v.DOCKER_HOST,
    intervalMs: v.AUTOSCALER_INTERVAL,
    dryRun: v.DRY_RUN,
    tolerance: v.TOLERANCE,
    metricsPort: v.METRICS_PORT,
    logLevel: v.LOG_LEVEL,
    cpuMetric: v.CPU_METRIC,
    rateWindow: v.CPU_RATE_WINDOW,
    requestRateMetric: v.REQUEST_RATE_METRIC,
  });
}

import { z } from 'zod';
import { parseDuration } from './labels';
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
}

export class AutoscalerConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'AutoscalerConfigError';
  }
}

const schema = z.object({
  PROMETHEUS_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^:/]+:\d+\/?)$/, 'must be unix:///path or tcp://host:port')
    .default('unix:///var/run/docker.sock'),
  AUTOSCALER_INTERVAL: z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < 1000) ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1s, such as 15s' });
      return ms ?? 0;
    })
    .default(15_000),
  DRY_RUN: z.enum(['0', '1', 'true', 'false'], { error: 'must be one of 0, 1, true, false' }).transform((v) => v === '1' || v === 'true').default(false),
  TOLERANCE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number from 0 to 1')
    .transform(Number)
    .refine((n) => n >= 0 && n < 1, 'must be a number from 0 to 1')
    .default(0.1),
  METRICS_PORT: z.string().regex(/^\d+$/, 'must be a port number').transform(Number).refine((n) => n <= 65535, 'must be a port number').default(9465),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CPU_METRIC: z.enum(['process', 'cadvisor'], { error: 'must be process or cadvisor' }).default('process'),
  CPU_RATE_WINDOW: z.string().regex(/^\d+[smh]$/, 'must be a PromQL duration such as 1m').default('1m'),
});

/** Every setting from the environment at once; empty counts as unset. */
export function loadAutoscalerConfig(env: NodeJS.ProcessEnv): Readonly<AutoscalerConfig> {
  const values = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in schema.shape && value !== undefined && value !== ''));
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new AutoscalerConfigError(
      parsed.error.issues.map((issue) => (issue.code === 'invalid_type' && issue.input === undefined ? `${issue.path.join('.')} is required` : `${issue.path.join('.')} ${issue.message}`)),
    );
  }
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
  });
}

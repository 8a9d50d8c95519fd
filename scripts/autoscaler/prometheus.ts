// Instant queries against Prometheus' HTTP API, and the PromQL that gives one value per task.
import type { MetricSource } from './labels';

/** The task label every per-task query groups by; docs/autoscaler.md lists what relabelling must provide. */
export const TASK_LABEL = 'swarm_task_id';

export type CpuMetric = 'process' | 'cadvisor';

export interface QueryOptions {
  cpuMetric: CpuMetric;
  /** The `rate()` window, a PromQL duration. */
  rateWindow: string;
  /** The counter of handled requests each task exports (the app's `http_requests_total`). */
  requestRateMetric: string;
}

export const DEFAULT_QUERY_OPTIONS: QueryOptions = Object.freeze({ cpuMetric: 'process', rateWindow: '1m', requestRateMetric: 'http_requests_total' });

/**
 * PromQL for one value per running task of `service`. The default CPU query reads the tasks'
 * own `process_cpu_seconds_total`, labelled by Prometheus' dockerswarm_sd_configs (role tasks)
 * relabelled to `swarm_service` and `swarm_task_id`; the cAdvisor one reads container metrics
 * by the labels Docker puts on Swarm containers. The request rate sums a task's counter over
 * its routes, methods and status codes. A query given in labels has `{{service}}` replaced.
 */
export function perTaskQuery(source: MetricSource, service: string, options: QueryOptions = DEFAULT_QUERY_OPTIONS): string {
  const quoted = JSON.stringify(service); // a PromQL string literal takes JSON escapes
  const { cpuMetric, rateWindow, requestRateMetric } = options;
  if (source.kind === 'custom') return source.query.replaceAll('{{service}}', service);
  if (source.kind === 'requests') {
    return source.query?.replaceAll('{{service}}', service) ?? `sum by (${TASK_LABEL}) (rate(${requestRateMetric}{swarm_service=${quoted}}[${rateWindow}]))`;
  }
  if (cpuMetric === 'cadvisor') {
    return `label_replace(sum by (container_label_com_docker_swarm_task_id) (rate(container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name=${quoted}}[${rateWindow}])), "${TASK_LABEL}", "$1", "container_label_com_docker_swarm_task_id", "(.*)")`;
  }
  return `sum by (${TASK_LABEL}) (rate(process_cpu_seconds_total{swarm_service=${quoted}}[${rateWindow}]))`;
}

export class PrometheusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrometheusError';
  }
}

export interface Prometheus {
  /** The value of each series of an instant vector, keyed by `label`. */
  valuesByLabel(query: string, label: string): Promise<Map<string, number>>;
}

export function createPrometheus(baseUrl: string, timeoutMs = 5000): Prometheus {
  const endpoint = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  return {
    valuesByLabel: async (query, label) => {
      const url = new URL(endpoint);
      url.searchParams.set('query', query);
      let body: { status?: string; error?: string; data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] } };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        body = (await res.json()) as typeof body;
      } catch (error) {
        throw new PrometheusError(`Prometheus at ${baseUrl} did not answer: ${(error as Error).message}`, { cause: error });
      }
      if (body.status !== 'success' || body.data?.resultType !== 'vector') {
        throw new PrometheusError(`query failed: ${body.error ?? `unexpected ${body.data?.resultType ?? 'answer'}`}`);
      }
      const values = new Map<string, number>();
      for (const series of body.data.result ?? []) {
        const key = series.metric[label];
        const value = Number(series.value[1]);
        if (key !== undefined && Number.isFinite(value)) values.set(key, value);
      }
      return values;
    },
  };
}

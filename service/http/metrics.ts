import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Label value shared by every request no route matched, so raw paths never become labels. */
export const UNMATCHED_ROUTE = '<unmatched>';

// Node's HTTP parser accepts a fixed set of methods; anything else is folded into one value anyway.
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export interface HttpMetricsOptions {
  registry: Registry;
  version: string;
  commit: string;
}

/** Records one answered request: method, route template, status code and seconds taken. */
export type RecordRequest = (method: string, route: string, statusCode: number, seconds: number) => void;

/** Registers the service's metrics on `registry` and returns the function that records requests. */
export function httpMetrics({ registry, version, commit }: HttpMetricsOptions): RecordRequest {
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route template and status code.',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'app_info',
    help: 'Build information of the running service; always 1.',
    labelNames: ['version', 'commit'],
    registers: [registry],
  })
    .labels({ version, commit })
    .set(1);

  // Children bound to a label set, cached by a plain key: prom-client would otherwise sort and
  // hash the labels on every call. The key space is bounded (methods x routes x statuses).
  const bound = new Map<string, { count: () => void; observe: (seconds: number) => void }>();
  const seriesFor = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let series = bound.get(key);
    if (!series) {
      const labels = { method, route, status_code: status };
      const counter = requests.labels(labels);
      const histogram = duration.labels(labels);
      series = { count: () => counter.inc(), observe: (seconds) => histogram.observe(seconds) };
      bound.set(key, series);
    }
    return series;
  };

  return (method, route, statusCode, seconds) => {
    const series = seriesFor(KNOWN_METHODS.has(method) ? method : 'OTHER', route, String(statusCode));
    series.count();
    series.observe(seconds);
  };
}

/** The matched route's template (`/hello/:username`), or UNMATCHED_ROUTE. */
export function routeTemplate(req: { baseUrl: string; route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? req.baseUrl + path : UNMATCHED_ROUTE;
}

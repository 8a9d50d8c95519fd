import http from 'node:http';
import type { Registry } from 'prom-client';

/** What GET /health answers: 200 while `healthy`, else 503; `status` is the body's one word. */
export interface Health {
  healthy: boolean;
  status: string;
}

/**
 * A listener of its own for GET /metrics (and GET /health when `health` is given), apart from
 * any public port, so the proxy never routes it.
 */
export function createMetricsServer(registry: Registry, health?: () => Health): http.Server {
  const notServed = health ? 'only GET /metrics and /health are served here' : 'only GET /metrics is served here';
  return http.createServer((req, res) => {
    const path = req.method === 'GET' ? req.url?.split('?')[0] : undefined;
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
        () => sendJson(res, 500, { error: 'metrics collection failed' }),
      );
    } else if (path === '/health' && health) {
      const { healthy, status } = health();
      sendJson(res, healthy ? 200 : 503, { status });
    } else {
      sendJson(res, 404, { error: notServed });
    }
  });
}

function sendJson(res: http.ServerResponse, statusCode: number, body: object): void {
  res.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

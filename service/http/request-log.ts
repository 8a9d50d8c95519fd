import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { routeTemplate } from './metrics';

// An incoming id is kept only when it is short and plain, so it is safe in logs and headers.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type Req = IncomingMessage & { baseUrl?: string; route?: { path?: unknown }; id?: unknown };

const routeOf = (req: Req) => routeTemplate({ baseUrl: req.baseUrl ?? '', route: req.route });

/** One JSON line per request: id, method, route, status and duration; the id is echoed back. */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Small serializers: full headers per line would cost more than the request itself.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The route is known only once routing is done, so it goes on the completion line.
    customSuccessObject: (req: Req, _res, line: object) => ({ ...line, route: routeOf(req) }),
    customErrorObject: (req: Req, _res, _error, line: object) => ({ ...line, route: routeOf(req) }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

export type RouteHandlers = Partial<Record<Method, RequestHandler | RequestHandler[]>>;

/**
 * Registers the handlers of one path and answers every other method with 405 and an
 * `Allow` header derived from the same table, so the two can never disagree.
 */
export function defineRoute(router: Router, path: string, handlers: RouteHandlers): void {
  const route = router.route(path);
  const allowed: string[] = [];
  for (const [method, handler] of Object.entries(handlers) as [Method, RequestHandler | RequestHandler[]][]) {
    route[method](...[handler].flat());
    allowed.push(method.toUpperCase());
    if (method === 'get') allowed.push('HEAD'); // Express answers HEAD with the GET handler
  }
  const allow = allowed.join(', ');
  route.all((req, _res, next) => {
    next(new AppError(405, `method ${req.method} not allowed on ${path}; allowed: ${allow}`, { Allow: allow }));
  });
}

import express, { type Router } from 'express';
import { defineRoute } from './http/routes';

/** Whether the process accepts traffic: flips to draining on shutdown; reports the database. */
export interface Readiness {
  isDraining(): boolean;
  /** Resolves when the database answers; rejects with the reason otherwise. */
  checkDatabase(): Promise<void>;
}

export function probeRoutes(readiness: Readiness): Router {
  const router = express.Router();
  defineRoute(router, '/', {
    get: (_req, res) => {
      res.type('text/plain').send('Hello World!');
    },
  });
  defineRoute(router, '/hello', {
    get: (_req, res) => {
      res.json({ message: 'Hello, World!' });
    },
  });
  // Clients time this to pick the nearest deployment: keep it tiny and uncached.
  defineRoute(router, '/ping', {
    get: (_req, res) => {
      res.set('Cache-Control', 'no-store').type('text/plain').send('pong');
    },
  });
  defineRoute(router, '/health', {
    get: (_req, res) => {
      res.json({ status: 'ok' });
    },
  });
  defineRoute(router, '/ready', {
    get: async (_req, res) => {
      res.set('Cache-Control', 'no-store');
      if (readiness.isDraining()) {
        res.status(503).json({ status: 'draining' });
        return;
      }
      // The database is shared by every replica: its outage is no reason to take this one out of
      // the proxy, which would then answer 503 for everything, /ping and /health included. Data
      // routes answer 503 with Retry-After themselves; the state is reported for operators.
      const database = await readiness.checkDatabase().then(
        () => 'ok',
        () => 'unavailable',
      );
      res.json({ status: 'ready', database });
    },
  });
  return router;
}

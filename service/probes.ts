import express, { type Router } from 'express';
import { defineRoute } from './http/routes';

/** Whether the process accepts traffic: flips to draining on shutdown, and asks the database. */
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
      try {
        await readiness.checkDatabase();
      } catch (error) {
        res.status(503).json({ status: 'unavailable', reason: (error as Error).message });
        return;
      }
      res.json({ status: 'ready' });
    },
  });
  return router;
}

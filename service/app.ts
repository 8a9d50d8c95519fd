import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { birthdayRoutes } from './birthdays/routes';
import type { CalendarDate } from './birthdays/calendar';
import type { Config } from './config';
import { errorHandler, notFound } from './errors';
import { docsRoutes } from './http/docs';
import { httpMetrics } from './http/metrics';
import { openApiDocument } from './http/openapi';
import { requestLogging } from './http/request-log';
import { probeRoutes, type Readiness } from './probes';
import type { BirthdayStore } from './storage/store';

export interface AppDeps {
  config: Pick<Config, 'apiToken' | 'trustProxy' | 'version' | 'commit'>;
  store: BirthdayStore;
  logger: Logger;
  registry: Registry;
  readiness: Readiness;
  /** The calendar date "today" in the configured time zone. */
  today: () => CalendarDate;
}

export function createApp({ config, store, logger, registry, readiness, today }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false); // answers are computed per day; a stale validator would be wrong

  app.use(requestLogging(app, logger, httpMetrics({ registry, version: config.version, commit: config.commit })));
  // HSTS covers HTTPS behind the proxy; upgrading requests would break /docs on plain-HTTP localhost.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(probeRoutes(readiness));
  app.use(birthdayRoutes({ store, today, apiToken: config.apiToken }));
  app.use(docsRoutes(openApiDocument(config.version)));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

import pino from 'pino';
import { Registry } from 'prom-client';
import { createApp } from './app';
import { calendarDateIn } from './birthdays/calendar';
import { ConfigError, loadConfig } from './config';
import { createReadiness } from './readiness';
import { startService } from './server';
import { openStore } from './storage/open-store';

const LOG_FLUSH_INTERVAL_MS = 250;

/** The process entry point: the only place that reads process.env, the clock source and signals. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Asynchronous, buffered logging: under load lines leave in 4 KiB batches instead of one write
  // per request; the timer bounds how long a line waits when traffic is quiet. Flushed on exit.
  const destination = pino.destination({ sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), LOG_FLUSH_INTERVAL_MS).unref();
  const logger = pino({ level: config.logLevel, base: { service: 'birthdays' } }, destination);
  const { store, migrate, pending } = openStore(config, logger);
  if (config.migrations === 'check') {
    // In a cluster the migrate job (stack/migrate.yml) migrates, with its backup, before the app
    // update; replicas only refuse a schema that is behind them.
    const behind = await pending();
    if (behind.length > 0) {
      throw new Error(`the database schema is behind this release (pending ${behind.map((m) => `${m.version}_${m.name}`).join(', ')}): run the migrations first (scripts/deploy.sh runs the migrate job before the app)`);
    }
  } else {
    const report = await migrate(new Date());
    if (report.applied.length > 0) logger.info({ applied: report.applied.map((m) => m.version), backupPath: report.backupPath }, 'migrations applied');
  }

  const registry = new Registry();
  const readiness = createReadiness(store);
  const todayInZone = calendarDateIn(config.birthdayTimeZone);
  const app = createApp({ config, store, logger, registry, readiness, today: () => todayInZone(new Date()) });
  const service = await startService({ app, config, registry, readiness, store, logger });
  logger.info({ port: service.port, metricsPort: service.metricsPort, database: store.dialect }, 'listening');

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    service.shutdown().then(
      ({ forced }) => exit(logger, forced ? 1 : 0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(logger, 1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

function exit(logger: pino.Logger, code: number): void {
  logger.flush(() => process.exit(code));
}

main().catch((error: unknown) => {
  // One line naming the problem, no stack trace: configuration, database or port errors.
  const message = error instanceof ConfigError ? error.message : `cannot start: ${(error as Error).message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

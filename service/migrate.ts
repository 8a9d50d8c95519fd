import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import { openStore } from './storage/open-store';

/** `npm run migrate`: applies pending migrations with the service's own configuration, then exits. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'birthdays-migrate' } });
  const { store, migrate } = openStore(config, logger);
  try {
    const report = await migrate(new Date());
    logger.info({ applied: report.applied.map((m) => `${m.version}_${m.name}`), backupPath: report.backupPath }, 'migrations up to date');
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

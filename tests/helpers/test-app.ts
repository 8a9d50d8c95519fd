import { Registry } from 'prom-client';
import { createApp } from '../../service/app';
import type { CalendarDate } from '../../service/birthdays/calendar';
import { createReadiness } from '../../service/readiness';
import { openStore } from '../../service/storage/open-store';
import type { BirthdayStore } from '../../service/storage/store';
import { tempDir } from './databases';
import { capturingLogger } from './logger';

export interface TestAppOptions {
  today?: CalendarDate;
  apiToken?: string;
  trustProxy?: boolean | number | string;
  /** PostgreSQL instead of the temp SQLite file. */
  databaseUrl?: string;
  /** Wraps the real store, e.g. to slow it down or make it fail like an unreachable database. */
  wrapStore?: (store: BirthdayStore) => BirthdayStore;
}

/** The real app on a real, migrated SQLite file in a temp dir; `cleanup` closes and removes it. */
export async function createTestApp(options: TestAppOptions = {}) {
  const { dir, remove } = tempDir();
  const { logger, lines } = capturingLogger();
  const opened = openStore(
    {
      sqlitePath: `${dir}/app.db`,
      databaseUrl: options.databaseUrl,
      databasePoolMax: 1,
      databaseStatementTimeoutMs: 1000,
      databaseConnectTimeoutMs: 1000,
      backupDir: `${dir}/backups`,
      migrateWithoutBackup: false,
    },
    logger,
  );
  if (!options.databaseUrl) await opened.migrate(new Date());
  const store = options.wrapStore ? options.wrapStore(opened.store) : opened.store;
  const registry = new Registry();
  const readiness = createReadiness(store, 500);
  const today = options.today ?? { year: 2026, month: 6, day: 15 };
  const app = createApp({
    config: { apiToken: options.apiToken, trustProxy: options.trustProxy ?? false, version: '9.9.9', commit: 'abc1234' },
    store,
    logger,
    registry,
    readiness,
    today: () => today,
  });
  return {
    app,
    store,
    registry,
    readiness,
    logLines: lines,
    cleanup: async () => {
      await opened.store.close();
      remove();
    },
  };
}

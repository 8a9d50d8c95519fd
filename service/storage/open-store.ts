import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { loadMigrations, MIGRATIONS_DIR, pendingMigrations, type Migration, type MigrationReport } from './migrations';
import { appliedPostgresVersions, migratePostgres } from './postgres-migrator';
import { createPostgresPool, createPostgresStore } from './postgres-store';
import { appliedSqliteVersions, migrateSqlite } from './sqlite-migrator';
import { createSqliteStore, openSqliteDatabase } from './sqlite-store';
import type { BirthdayStore } from './store';

export interface OpenedStore {
  store: BirthdayStore;
  /** Applies pending migrations (with a backup first when data exists). */
  migrate(now: Date): Promise<MigrationReport>;
  /** The migrations the database lacks; changes nothing. */
  pending(): Promise<Migration[]>;
}

type StoreConfig = Pick<
  Config,
  'sqlitePath' | 'databaseUrl' | 'databasePoolMax' | 'databaseStatementTimeoutMs' | 'databaseConnectTimeoutMs' | 'backupDir' | 'migrateWithoutBackup'
>;

/** PostgreSQL when DATABASE_URL is set, the embedded SQLite file otherwise. */
export function openStore(config: StoreConfig, logger: Logger): OpenedStore {
  if (config.databaseUrl) {
    const connectionString = config.databaseUrl;
    const pool = createPostgresPool({
      connectionString,
      max: config.databasePoolMax,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
    const migrations = loadMigrations(path.join(MIGRATIONS_DIR, 'postgres'));
    return {
      store: createPostgresStore(pool),
      migrate: (now) =>
        migratePostgres({
          pool,
          connectionString,
          migrations,
          logger,
          now,
          backupDir: config.backupDir,
          migrateWithoutBackup: config.migrateWithoutBackup,
        }),
      pending: async () => pendingMigrations(migrations, await appliedPostgresVersions(pool)),
    };
  }
  const db = openSqliteDatabase(config.sqlitePath);
  const migrations = loadMigrations(path.join(MIGRATIONS_DIR, 'sqlite'));
  return {
    store: createSqliteStore(db),
    migrate: async (now) => migrateSqlite({ db, migrations, logger, now }),
    pending: async () => pendingMigrations(migrations, appliedSqliteVersions(db)),
  };
}

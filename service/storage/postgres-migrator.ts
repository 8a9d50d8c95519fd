import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { Logger } from 'pino';
import { backupStamp, pendingMigrations, type Migration, type MigrationReport } from './migrations';

const run = promisify(execFile);

// One advisory lock key for every instance of this service (any fixed bigint).
const MIGRATION_LOCK_KEY = '7239110942110001';

export interface PostgresMigrateOptions {
  pool: pg.Pool;
  connectionString: string;
  migrations: Migration[];
  logger: Logger;
  now: Date;
  backupDir: string;
  migrateWithoutBackup: boolean;
  /** The pg_dump program; a name is looked up on PATH. */
  pgDump?: string;
}

/**
 * Applies pending migrations in one transaction (a failure leaves the schema as it was) under a
 * transaction-level advisory lock (a second instance waits, then finds nothing to do). A database
 * that already holds data is dumped with pg_dump first; without pg_dump we refuse unless told not to.
 */
export async function migratePostgres(options: PostgresMigrateOptions): Promise<MigrationReport> {
  const client = await options.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const report = await migrateInTransaction(client, options);
      await client.query('COMMIT');
      return report;
    } catch (error) {
      // A connection that cannot even roll back is not handed out again.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

async function migrateInTransaction(client: pg.PoolClient, options: PostgresMigrateOptions): Promise<MigrationReport> {
  const { migrations, logger, now } = options;
  // Waiting for another instance's migration, or migrating, may legitimately take long. SET LOCAL
  // ends with this transaction: the connection goes back to the pool with the pool's
  // statement_timeout, instead of serving the app's queries with none.
  await client.query('SET LOCAL statement_timeout = 0');
  await client.query('SET LOCAL idle_in_transaction_session_timeout = 0'); // while pg_dump runs
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]); // released at COMMIT or ROLLBACK
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const pending = pendingMigrations(migrations, new Set(rows.map((r) => r.version)));
  if (pending.length === 0) return { applied: [] };

  let backupPath: string | undefined;
  if (await holdsData(client)) backupPath = await backupBeforeMigrating(options);

  for (const migration of pending) {
    try {
      await client.query(migration.sql);
    } catch (error) {
      throw new Error(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
    }
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now]);
    logger.info({ version: migration.version, name: migration.name }, 'applied migration');
  }
  return { applied: pending, backupPath };
}

async function holdsData(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
  );
  for (const { name } of rows) {
    const result = await client.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${name}) AS found`);
    if (result.rows[0]?.found) return true;
  }
  return false;
}

async function backupBeforeMigrating(options: PostgresMigrateOptions): Promise<string | undefined> {
  const { connectionString, backupDir, migrateWithoutBackup, logger, now, pgDump = 'pg_dump' } = options;
  if (!(await isRunnable(pgDump))) {
    if (migrateWithoutBackup) {
      logger.warn('pg_dump is not available; migrating without a backup because MIGRATE_WITHOUT_BACKUP=1');
      return undefined;
    }
    throw new Error(
      'the database holds data and pg_dump is not available to back it up; install pg_dump or set MIGRATE_WITHOUT_BACKUP=1',
    );
  }
  mkdirSync(backupDir, { recursive: true });
  const file = path.join(path.resolve(backupDir), `pre-migrate-${backupStamp(now)}.dump`);
  // The password travels in the environment, not on a command line that `ps` shows.
  const url = new URL(connectionString);
  const password = decodeURIComponent(url.password);
  url.password = '';
  await run(pgDump, ['--format=custom', `--file=${file}`, `--dbname=${url.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  });
  logger.info({ backupPath: file }, 'backed up the database with pg_dump before migrating');
  return file;
}

async function isRunnable(program: string): Promise<boolean> {
  try {
    await run(program, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** The migration versions recorded as applied; none when the table does not exist yet. */
export async function appliedPostgresVersions(pool: pg.Pool): Promise<Set<number>> {
  try {
    const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations');
    return new Set(rows.map((row) => row.version));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return new Set(); // undefined_table
    throw error;
  }
}

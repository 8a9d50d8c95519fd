import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { backupStamp, pendingMigrations, type Migration, type MigrationReport } from './migrations';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-store';

export interface SqliteMigrateOptions {
  db: Database.Database;
  migrations: Migration[];
  logger: Logger;
  now: Date;
  /** How long to wait for another instance that is migrating the same file. */
  lockTimeoutMs?: number;
}

/**
 * Applies pending migrations in one IMMEDIATE transaction: SQLite's write lock makes a second
 * instance wait and then find nothing to do; a failure rolls every statement back.
 */
export function migrateSqlite({ db, migrations, logger, now, lockTimeoutMs = 60_000 }: SqliteMigrateOptions): MigrationReport {
  db.pragma(`busy_timeout = ${lockTimeoutMs}`);
  try {
    db.exec('BEGIN IMMEDIATE');
  } finally {
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  }
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const pending = pendingMigrations(migrations, applied);
    let backupPath: string | undefined;
    if (pending.length > 0 && holdsData(db)) {
      backupPath = backupBeside(db.name, now);
      logger.info({ backupPath }, 'backed up the database before migrating');
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of pending) {
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      record.run(migration.version, migration.name, now.toISOString());
      logger.info({ version: migration.version, name: migration.name }, 'applied migration');
    }
    db.exec('COMMIT');
    return { applied: pending, backupPath };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function holdsData(db: Database.Database): boolean {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
    .pluck()
    .all() as string[];
  return tables.some((table) => db.prepare(`SELECT EXISTS (SELECT 1 FROM "${table.replace(/"/g, '""')}")`).pluck().get() === 1);
}

// VACUUM INTO on a second, read-only connection: a consistent online copy of the last commit,
// taken while this connection holds the write lock, so no write can slip in between.
function backupBeside(file: string, now: Date): string {
  const parsed = path.parse(file);
  const target = path.join(parsed.dir, `${parsed.name}.${backupStamp(now)}.pre-migrate${parsed.ext || '.db'}`);
  const reader = new Database(file, { readonly: true });
  try {
    reader.prepare('VACUUM INTO ?').run(target);
  } finally {
    reader.close();
  }
  return target;
}

/** The migration versions recorded as applied; none when the table does not exist yet. */
export function appliedSqliteVersions(db: Database.Database): Set<number> {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return new Set();
  return new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
}

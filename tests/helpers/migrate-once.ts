// Run as its own process by the concurrent-migration tests: migrates one database with the
// migrations of a given folder and prints the report as one JSON line.
import pino from 'pino';
import { loadMigrations } from '../../service/storage/migrations';
import { migratePostgres } from '../../service/storage/postgres-migrator';
import { createPostgresPool } from '../../service/storage/postgres-store';
import { migrateSqlite } from '../../service/storage/sqlite-migrator';
import { openSqliteDatabase } from '../../service/storage/sqlite-store';
import { sleep } from './wait';

async function main() {
  const [dialect, target, migrationsDir, startAt] = process.argv.slice(2);
  if (!dialect || !target || !migrationsDir || !startAt) {
    throw new Error('usage: migrate-once sqlite|postgres PATH|URL MIGRATIONS_DIR START_AT_EPOCH_MS');
  }
  const logger = pino({ level: 'silent' });
  const migrations = loadMigrations(migrationsDir);
  // Both processes wait for the same instant, so their migrations really overlap.
  await sleep(Math.max(0, Number(startAt) - Date.now()));
  if (dialect === 'sqlite') {
    const db = openSqliteDatabase(target);
    const report = migrateSqlite({ db, migrations, logger, now: new Date() });
    db.close();
    return report;
  }
  const pool = createPostgresPool({ connectionString: target, max: 1, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000 });
  try {
    return await migratePostgres({ pool, connectionString: target, migrations, logger, now: new Date(), backupDir: '/tmp', migrateWithoutBackup: true });
  } finally {
    await pool.end();
  }
}

main().then(
  (report) => process.stdout.write(`${JSON.stringify({ applied: report.applied.map((m) => m.version) })}\n`),
  (error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);

import { expect } from 'chai';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadMigrations, MIGRATIONS_DIR, type Migration } from '../../service/storage/migrations';
import { appliedPostgresVersions, migratePostgres } from '../../service/storage/postgres-migrator';
import { createPostgresPool } from '../../service/storage/postgres-store';
import { migrateSqlite } from '../../service/storage/sqlite-migrator';
import { openSqliteDatabase } from '../../service/storage/sqlite-store';
import { isolatedPostgresSchema, tempDir, TEST_DATABASE_URL } from '../helpers/databases';
import { capturingLogger } from '../helpers/logger';
import { runTs } from '../helpers/processes';

const NOW = new Date('2026-11-24T01:02:03.456Z');
const addColumn: Migration = { version: 2, name: 'add_nickname', sql: 'ALTER TABLE birthdays ADD COLUMN nickname TEXT;' };
const broken: Migration = {
  version: 2,
  name: 'half_broken',
  sql: 'ALTER TABLE birthdays ADD COLUMN nickname TEXT; SELECT * FROM no_such_table;',
};
// Long enough that two processes starting together really overlap.
const slow = (dialect: 'sqlite' | 'postgres'): string =>
  dialect === 'sqlite'
    ? 'CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT i FROM n;'
    : 'SELECT pg_sleep(1); CREATE TABLE filler (i int);';

/** A migrations folder with the real migrations of `dialect` plus a slow one. */
function migrationsWithSlowStep(dialect: 'sqlite' | 'postgres', dir: string): string {
  const target = path.join(dir, `migrations-${dialect}`);
  cpSync(path.join(MIGRATIONS_DIR, dialect), target, { recursive: true });
  writeFileSync(path.join(target, '900_slow_step.sql'), slow(dialect));
  return target;
}

describe('SQLite migrations', () => {
  let dir: string;
  let remove: () => void;
  let db: Database.Database;
  const real = loadMigrations(path.join(MIGRATIONS_DIR, 'sqlite'));
  beforeEach(() => {
    ({ dir, remove } = tempDir());
    db = openSqliteDatabase(path.join(dir, 'app.db'));
  });
  afterEach(() => {
    if (db.open) db.close();
    remove();
  });
  const versions = () => db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  const columns = () => db.prepare("SELECT name FROM pragma_table_info('birthdays')").pluck().all();

  it('should apply every migration once, record it, and take no backup of an empty database', () => {
    const { logger } = capturingLogger();
    const first = migrateSqlite({ db, migrations: real, logger, now: NOW });
    expect(first.applied.map((m) => m.version)).to.deep.equal([1]);
    expect(first.backupPath).to.equal(undefined);
    expect(versions()).to.deep.equal([1]);
    expect(migrateSqlite({ db, migrations: real, logger, now: NOW }).applied).to.deep.equal([]);
  });

  it('should back up a database holding data beside it before migrating, and log where', () => {
    const { logger, lines } = capturingLogger();
    migrateSqlite({ db, migrations: real, logger, now: NOW });
    db.prepare("INSERT INTO birthdays (username, date_of_birth) VALUES ('Alice', '2000-01-01')").run();
    const report = migrateSqlite({ db, migrations: [...real, addColumn], logger, now: NOW });
    expect(report.backupPath).to.equal(path.join(dir, 'app.20261124T010203Z.pre-migrate.db'));
    const backup = new Database(report.backupPath ?? '', { readonly: true });
    expect(backup.prepare('SELECT username FROM birthdays').pluck().all()).to.deep.equal(['Alice']);
    expect(backup.prepare("SELECT name FROM pragma_table_info('birthdays')").pluck().all()).not.to.include('nickname');
    backup.close();
    expect(columns()).to.include('nickname');
    expect(lines.some((l) => l.backupPath === report.backupPath)).to.equal(true);
  });

  it('should leave the schema as it was when a migration fails', () => {
    const { logger } = capturingLogger();
    migrateSqlite({ db, migrations: real, logger, now: NOW });
    expect(() => migrateSqlite({ db, migrations: [...real, broken], logger, now: NOW })).to.throw(/migration 2_half_broken failed/);
    expect(columns()).not.to.include('nickname');
    expect(versions()).to.deep.equal([1]);
    expect(db.inTransaction).to.equal(false);
  });

  it('should let only one of two processes starting at once apply the migrations', async () => {
    const migrationsDir = migrationsWithSlowStep('sqlite', dir);
    db.close();
    const file = path.join(dir, 'fresh.db');
    const startAt = String(Date.now() + 4000);
    const runs = await Promise.all([0, 1].map(() => runTs('tests/helpers/migrate-once.ts', ['sqlite', file, migrationsDir, startAt])));
    for (const run of runs) expect(run.code, run.stderr).to.equal(0);
    const applied = runs.map((run) => JSON.parse(run.stdout).applied as number[]);
    expect(applied.flat().sort((a, b) => a - b)).to.deep.equal([1, 900]);
    expect(applied.some((a) => a.length === 0)).to.equal(true);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).to.equal(2);
    check.close();
  });
});

if (TEST_DATABASE_URL) {
  const baseUrl = TEST_DATABASE_URL;
  describe('PostgreSQL migrations', () => {
    let url: string;
    let drop: () => Promise<void>;
    let pool: pg.Pool;
    let dir: string;
    let remove: () => void;
    const real = loadMigrations(path.join(MIGRATIONS_DIR, 'postgres'));
    beforeEach(async () => {
      ({ url, drop } = await isolatedPostgresSchema(baseUrl));
      pool = createPostgresPool({ connectionString: url, max: 2, statementTimeoutMs: 5000, connectTimeoutMs: 3000 });
      ({ dir, remove } = tempDir());
    });
    afterEach(async () => {
      await pool.end();
      await drop();
      remove();
    });
    const migrate = (migrations: Migration[], extra: { pgDump?: string; migrateWithoutBackup?: boolean } = {}) => {
      const { logger, lines } = capturingLogger();
      const promise = migratePostgres({ pool, connectionString: url, migrations, logger, now: NOW, backupDir: path.join(dir, 'backups'), migrateWithoutBackup: false, ...extra });
      return { promise, lines };
    };
    const columns = async () =>
      (await pool.query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'birthdays'")).rows.map((r) => r.column_name);
    const seed = async () => {
      await migrate(real).promise;
      await pool.query("INSERT INTO birthdays (username, date_of_birth) VALUES ('Alice', '2000-01-01')");
    };

    it('should apply every migration once and record it', async () => {
      expect((await migrate(real).promise).applied.map((m) => m.version)).to.deep.equal([1]);
      expect((await migrate(real).promise).applied).to.deep.equal([]);
      expect((await pool.query('SELECT version FROM schema_migrations')).rows).to.deep.equal([{ version: 1 }]);
    });

    it('should read the applied versions without changing anything (MIGRATIONS=check), none before the first migration', async () => {
      expect([...(await appliedPostgresVersions(pool))]).to.deep.equal([]);
      expect((await pool.query("SELECT to_regclass('schema_migrations') AS t")).rows[0].t, 'no table created').to.equal(null);
      await migrate(real).promise;
      expect([...(await appliedPostgresVersions(pool))]).to.deep.equal([1]);
    });

    it('should pg_dump a database holding data into BACKUP_DIR before migrating', async () => {
      await seed();
      const { promise, lines } = migrate([...real, addColumn]);
      const report = await promise;
      expect(report.backupPath).to.equal(path.join(dir, 'backups', 'pre-migrate-20261124T010203Z.dump'));
      expect(readFileSync(report.backupPath ?? '').subarray(0, 5).toString()).to.equal('PGDMP'); // pg_dump's custom format
      expect(lines.some((l) => l.backupPath === report.backupPath)).to.equal(true);
      expect(await columns()).to.include('nickname');
    });

    it('should refuse to migrate a database holding data when pg_dump is missing', async () => {
      await seed();
      const { promise } = migrate([...real, addColumn], { pgDump: path.join(dir, 'no-pg_dump-here') });
      let error: Error | undefined;
      await promise.catch((e: Error) => (error = e));
      expect(error?.message).to.match(/pg_dump is not available.*MIGRATE_WITHOUT_BACKUP=1/);
      expect(await columns()).not.to.include('nickname');
    });

    it('should migrate without pg_dump when MIGRATE_WITHOUT_BACKUP is set', async () => {
      await seed();
      const report = await migrate([...real, addColumn], { pgDump: path.join(dir, 'no-pg_dump-here'), migrateWithoutBackup: true }).promise;
      expect(report.backupPath).to.equal(undefined);
      expect(existsSync(path.join(dir, 'backups'))).to.equal(false);
      expect(await columns()).to.include('nickname');
    });

    it('should leave the schema as it was when a migration fails', async () => {
      await seed();
      let error: Error | undefined;
      await migrate([...real, broken]).promise.catch((e: Error) => (error = e));
      expect(error?.message).to.match(/migration 2_half_broken failed/);
      expect(await columns()).not.to.include('nickname');
      expect((await pool.query('SELECT version FROM schema_migrations')).rows).to.deep.equal([{ version: 1 }]);
      expect(readdirSync(path.join(dir, 'backups'))).to.have.length(1); // the backup was still taken first
    });

    // Regression: the migrator set statement_timeout = 0 for its session and released the
    // connection so; the pool hands the last released connection out first, so the app's busiest
    // connection ran without a timeout.
    it('should hand every pooled connection back with the pool\'s statement_timeout, whether migrations applied, were current or failed', async () => {
      const showAll = async () => {
        const clients = await Promise.all([pool.connect(), pool.connect()]); // the pool's max: every connection
        try {
          return await Promise.all(clients.map(async (client) => (await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout));
        } finally {
          for (const client of clients) client.release();
        }
      };
      await migrate(real).promise;
      expect(await showAll()).to.deep.equal(['5s', '5s']);
      await migrate(real).promise;
      expect(await showAll()).to.deep.equal(['5s', '5s']);
      await migrate([...real, broken], { migrateWithoutBackup: true }).promise.catch(() => undefined);
      expect(await showAll()).to.deep.equal(['5s', '5s']);
    });

    it('should let only one of two processes starting at once apply the migrations', async () => {
      const migrationsDir = migrationsWithSlowStep('postgres', dir);
      const startAt = String(Date.now() + 4000);
      const runs = await Promise.all([0, 1].map(() => runTs('tests/helpers/migrate-once.ts', ['postgres', url, migrationsDir, startAt])));
      for (const run of runs) expect(run.code, run.stderr).to.equal(0);
      const applied = runs.map((run) => JSON.parse(run.stdout).applied as number[]);
      expect(applied.flat().sort((a, b) => a - b)).to.deep.equal([1, 900]);
      expect((await pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).to.equal(2);
    });
  });
} else {
  describe('PostgreSQL migrations', () => {
    it('run when TEST_DATABASE_URL is set (.ci/run starts PostgreSQL and sets it)');
  });
}

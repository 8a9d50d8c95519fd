import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { tempDir, TEST_DATABASE_URL } from '../helpers/databases';
import { REPO_ROOT } from '../helpers/processes';
import { until } from '../helpers/wait';

const BACKUP_SCRIPT = path.join(REPO_ROOT, 'stack/db/backup.sh');
const RESTORE_SCRIPT = path.join(REPO_ROOT, 'scripts/db-restore.sh');

// The db stack's backup script with the real pg_dump and pg_restore, against a database of its
// own on the CI PostgreSQL server.
describe('db stack backups: stack/db/backup.sh (e2e)', () => {
  let temp: ReturnType<typeof tempDir>;
  let backupDir: string;
  let database: string;
  let env: NodeJS.ProcessEnv;
  let admin: pg.Client;
  let db: pg.Client;

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync('bash', [BACKUP_SCRIPT, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
  const dumps = () => readdirSync(backupDir).filter((name) => name.endsWith('.dump')).sort();
  const names = async () => (await db.query<{ name: string }>('SELECT name FROM people ORDER BY name')).rows.map((r) => r.name);

  before(async () => {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL must point at a PostgreSQL server (.ci/run starts one)');
    temp = tempDir('db-backup-');
    backupDir = path.join(temp.dir, 'backups');
    database = `backup_e2e_${process.pid}`;
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(TEST_DATABASE_URL);
    writeFileSync(path.join(temp.dir, 'password'), `${decodeURIComponent(url.password)}\n`);
    env = {
      PATH: process.env.PATH,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username),
      PGDATABASE: database,
      PGPASSWORD_FILE: path.join(temp.dir, 'password'),
      BACKUP_DIR: backupDir,
      BACKUP_RETENTION_DAYS: '7',
    };
    url.pathname = `/${database}`;
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query('CREATE TABLE people (name text PRIMARY KEY)');
    await db.query("INSERT INTO people VALUES ('ada'), ('grace')");
  });

  after(async () => {
    await db?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
    temp?.remove();
  });

  it('writes one complete custom-format dump and lists it', () => {
    const result = run(['now']);
    expect(result.status, result.stderr).to.equal(0);
    expect(dumps()).to.have.length(1);
    expect(dumps()[0]).to.match(new RegExp(`^${database}-\\d{8}T\\d{6}Z\\.dump$`));
    expect(readdirSync(backupDir).filter((name) => name.endsWith('.partial'))).to.deep.equal([]);
    const list = run(['list']);
    expect(list.stdout.trim().split('\n')).to.deep.equal(dumps());
  });

  it('restores a chosen backup over changed data, in one transaction', async () => {
    const [name] = dumps();
    await db.query("DELETE FROM people WHERE name = 'ada'");
    await db.query("INSERT INTO people VALUES ('linus')");
    const result = run(['restore', name!]);
    expect(result.status, result.stderr).to.equal(0);
    expect(await names()).to.deep.equal(['ada', 'grace']);
  });

  it('refuses an unknown or path-like backup name with one line and changes nothing', async () => {
    await db.query("INSERT INTO people VALUES ('margaret')");
    for (const name of ['nope.dump', '../password', '/etc/passwd', '']) {
      const result = run(['restore', name]);
      expect(result.status, name).to.equal(1);
      expect(result.stderr.trim().split('\n'), name).to.have.length(1);
      expect(result.stderr).to.match(/^db-backup: /);
    }
    expect(await names()).to.deep.equal(['ada', 'grace', 'margaret']);
    await db.query("DELETE FROM people WHERE name = 'margaret'");
  });

  it('leaves no backup behind when pg_dump fails, and exits 1', () => {
    writeFileSync(path.join(temp.dir, 'wrong'), 'not-the-password\n');
    const before = dumps();
    const result = run(['now'], { PGPASSWORD_FILE: path.join(temp.dir, 'wrong') });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include('db-backup: pg_dump of');
    expect(dumps()).to.deep.equal(before);
    expect(readdirSync(backupDir).filter((name) => name.endsWith('.partial'))).to.deep.equal([]);
  });

  it('removes backups older than the retention after a new one succeeds', () => {
    const old = path.join(backupDir, `${database}-20200101T000000Z.dump`);
    const recent = path.join(backupDir, `${database}-20200102T000000Z.dump`);
    writeFileSync(old, 'old');
    writeFileSync(recent, 'recent');
    const day = 24 * 3600;
    const now = Date.now() / 1000;
    utimesSync(old, now - 8 * day, now - 8 * day);
    utimesSync(recent, now - 6 * day, now - 6 * day);
    const result = run(['now']);
    expect(result.status, result.stderr).to.equal(0);
    expect(existsSync(old)).to.equal(false);
    expect(existsSync(recent)).to.equal(true);
    expect(result.stdout).to.include('backup removed after 7 days');
  });

  it('rejects bad settings with exit 1 and one line', () => {
    for (const [key, value] of [
      ['BACKUP_INTERVAL_SECONDS', '6h'],
      ['BACKUP_RETENTION_DAYS', '-1'],
      ['PGPASSWORD_FILE', '/nonexistent/secret'],
    ] as const) {
      const result = run(['list'], { [key]: value });
      expect(result.status, key).to.equal(1);
      expect(result.stderr.trim().split('\n'), key).to.have.length(1);
      expect(result.stderr, key).to.include(key);
    }
  });

  it('schedule backs up at once, then stops cleanly on SIGTERM', async () => {
    // Names have one-second resolution, so the dump may replace one from the same second: look
    // for a dump written since the start, not for one more file.
    const startedMs = Math.floor(Date.now() / 1000) * 1000;
    const child = spawn('bash', [BACKUP_SCRIPT, 'schedule'], { env: { ...env, BACKUP_INTERVAL_SECONDS: '3600' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the first backup to be written', async () => (output.includes('backup written') ? true : undefined), 30_000, 100);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const closed = new Promise<void>((resolve) => child.stdout.on('close', () => resolve()));
    child.kill('SIGTERM');
    expect(await exit).to.equal(0);
    await closed; // nothing it started (its sleep) still holds the output open
    const written = output.match(/backup written: (\S+)/)?.[1];
    expect(written && statSync(path.join(backupDir, written)).mtimeMs).to.be.at.least(startedMs);
  });
});

// The operator's wrapper finds the backup task through the real Docker daemon.
describe('scripts/db-restore.sh (e2e)', () => {
  const run = (args: string[]) =>
    spawnSync('bash', [RESTORE_SCRIPT, ...args], { env: { PATH: process.env.PATH, DB_BACKUP_SERVICE: 'db_backup_absent_e2e' }, encoding: 'utf8', timeout: 30_000 });

  it('says in one line that no backup task runs here', () => {
    const result = run(['--list']);
    expect(result.status).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.include('no running db_backup_absent_e2e task');
  });

  it('rejects bad arguments with one line', () => {
    for (const args of [[], ['--bogus'], ['a.dump', 'b.dump']]) {
      const result = run(args);
      expect(result.status, args.join(' ')).to.equal(1);
      expect(result.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
    }
  });
});

import { expect } from 'chai';
import Database from 'better-sqlite3';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startService } from '../../service/server';
import type { BirthdayStore } from '../../service/storage/store';
import { tempDir } from '../helpers/databases';
import { capturingLogger } from '../helpers/logger';
import { startNode } from '../helpers/processes';
import { createTestApp } from '../helpers/test-app';

/** A GET over a fresh keep-alive-free connection, resolving to status and body (or the socket error). */
function get(port: number, path: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
  });
}

/** The code of the socket error a GET fails with (ECONNREFUSED, ...), or 'answered'. */
const failure = (port: number, path: string) =>
  get(port, path).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );

/** The real app and both listeners on ephemeral loopback ports, with the given shutdown timings. */
async function startTestService(wrapStore: (store: BirthdayStore) => BirthdayStore, shutdownDelayMs: number, shutdownTimeoutMs: number) {
  const t = await createTestApp({ wrapStore });
  const { logger } = capturingLogger();
  const service = await startService({
    app: t.app,
    config: { port: 0, metricsPort: 0, host: '127.0.0.1', shutdownDelayMs, shutdownTimeoutMs },
    registry: t.registry,
    readiness: t.readiness,
    store: t.store,
    logger,
  });
  return { t, service };
}

describe('graceful shutdown', () => {
  it('should turn /ready 503 at once, keep serving for the delay, finish in-flight requests, then close', async () => {
    // The store's reads are slowed so that a request is still in flight when shutdown begins.
    let slowRead: Promise<void> = Promise.resolve();
    const slow = (store: BirthdayStore): BirthdayStore => ({
      ...store,
      findDateOfBirth: async (name) => {
        await slowRead;
        return store.findDateOfBirth(name);
      },
    });
    const { t, service } = await startTestService(slow, 300, 5000);
    try {
      await t.store.upsert('Alice', '2000-01-01');
      slowRead = sleep(800);
      const inFlight = get(service.port, '/hello/Alice');
      await sleep(50);

      const stopped = service.shutdown();
      const ready = await get(service.port, '/ready');
      expect(ready).to.deep.include({ status: 503, body: '{"status":"draining"}', connection: 'close' });
      expect((await get(service.port, '/hello')).status, 'still serving during the delay').to.equal(200);

      const result = await stopped;
      expect(result.forced).to.equal(false);
      const finished = await inFlight;
      expect(finished.status).to.equal(200);
      expect(JSON.parse(finished.body).message).to.match(/^Hello, Alice!/);

      expect(await failure(service.port, '/hello')).to.equal('ECONNREFUSED');
      expect(await failure(service.metricsPort, '/metrics')).to.equal('ECONNREFUSED');
      const storeState = await t.store.ping().then(() => 'open', () => 'closed');
      expect(storeState, 'the database is closed').to.equal('closed');
    } finally {
      await service.shutdown();
      await t.cleanup();
    }
  });

  it('should cut requests still running at SHUTDOWN_TIMEOUT_MS and report it as forced', async () => {
    const never = (store: BirthdayStore): BirthdayStore => ({ ...store, findDateOfBirth: () => sleep(3000).then(() => undefined) });
    const { t, service } = await startTestService(never, 0, 300);
    try {
      const stuck = failure(service.port, '/hello/Alice');
      await sleep(50);
      expect((await service.shutdown()).forced).to.equal(true);
      expect(await stuck).to.equal('ECONNRESET');
    } finally {
      await t.cleanup();
    }
  });

  it('should exit 0 on SIGTERM with a request in flight, after answering it', async function () {
    this.timeout(60_000);
    const { dir, remove } = tempDir();
    const service = startNode('service/main.ts', {
      env: {
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        SQLITE_PATH: path.join(dir, 'app.db'),
        SHUTDOWN_DELAY_MS: '500',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    const { child } = service;
    try {
      const port = await service.port();
      // A request with a body that arrives slowly is in flight when the signal lands.
      const inFlight = new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: '/hello/Alice', method: 'PUT', headers: { 'Content-Type': 'application/json' }, agent: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('{"dateOfBirth":');
        setTimeout(() => req.end('"2000-01-01"}'), 300);
      });
      await sleep(50);
      child.kill('SIGTERM');
      expect(await inFlight).to.equal(204);
      expect(await service.exited).to.equal(0);
      expect(service.stdout()).to.include('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      remove();
    }
  });
});

describe('start-up errors', () => {
  const start = async (env: NodeJS.ProcessEnv) => {
    const p = startNode('service/main.ts', { env });
    return { code: await p.exited, stderr: p.stderr() };
  };

  it('should exit 1 with one line naming the bad variable', async function () {
    this.timeout(30_000);
    const { code, stderr } = await start({ PORT: 'eighty', BIRTHDAY_TZ: 'Nowhere/Land' });
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/^invalid configuration: .*PORT.*BIRTHDAY_TZ/);
  });

  it('should refuse, with MIGRATIONS=check, a schema behind the release, and leave it as it was', async function () {
    this.timeout(30_000);
    const { dir, remove } = tempDir();
    try {
      const file = path.join(dir, 'behind.db');
      const { code, stderr } = await start({ MIGRATIONS: 'check', SQLITE_PATH: file, PORT: '0', METRICS_PORT: '0' });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.match(/^cannot start: the database schema is behind this release \(pending 1_\w+/);
      const db = new Database(file);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get(), 'no table created').to.equal(0);
      db.close();
    } finally {
      remove();
    }
  });

  it('should exit 1 with one line when the database cannot be reached', async function () {
    this.timeout(30_000);
    const { code, stderr } = await start({ DATABASE_URL: 'postgres://u:p@127.0.0.1:1/none', PORT: '0', METRICS_PORT: '0' });
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/^cannot start: /);
    expect(stderr).not.to.match(/\s+at /); // no stack trace
  });
});

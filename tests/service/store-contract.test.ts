import { expect } from 'chai';
import net from 'node:net';
import pino from 'pino';
import { openStore } from '../../service/storage/open-store';
import { createPostgresPool, createPostgresStore } from '../../service/storage/postgres-store';
import { StoreUnavailableError, type BirthdayStore } from '../../service/storage/store';
import { isolatedPostgresSchema, tempDir, TEST_DATABASE_URL } from '../helpers/databases';

const silent = pino({ level: 'silent' });
const storeDefaults = { databasePoolMax: 2, databaseStatementTimeoutMs: 2000, databaseConnectTimeoutMs: 2000, backupDir: '/nonexistent', migrateWithoutBackup: false };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The behaviour every BirthdayStore adapter must have. */
function storeContract(name: string, open: () => Promise<{ store: BirthdayStore; cleanup: () => Promise<void> }>) {
  describe(`BirthdayStore contract: ${name}`, () => {
    let store: BirthdayStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(() => cleanup());

    it('should find nothing for an unknown user', async () => {
      expect(await store.findDateOfBirth('Nobody')).to.equal(undefined);
    });
    it('should store a date and give it back unchanged', async () => {
      for (const date of ['1900-01-01', '2024-02-29', '1999-12-31']) {
        await store.upsert('Alice', date);
        expect(await store.findDateOfBirth('Alice')).to.equal(date);
      }
    });
    it('should keep users apart, case-sensitively and across scripts', async () => {
      await store.upsert('Alice', '2000-01-01');
      await store.upsert('alice', '2001-02-02');
      await store.upsert('李小龍', '1940-11-27');
      expect(await store.findDateOfBirth('Alice')).to.equal('2000-01-01');
      expect(await store.findDateOfBirth('alice')).to.equal('2001-02-02');
      expect(await store.findDateOfBirth('李小龍')).to.equal('1940-11-27');
    });
    it('should remove a user once', async () => {
      await store.upsert('Alice', '2000-01-01');
      expect(await store.remove('Alice')).to.equal(true);
      expect(await store.remove('Alice')).to.equal(false);
      expect(await store.findDateOfBirth('Alice')).to.equal(undefined);
    });
    it('should answer ping while open', async () => {
      await store.ping();
    });
    it('should report StoreUnavailableError once closed, and close twice without harm', async () => {
      await store.close();
      await store.close();
      expect(await rejection(store.ping())).to.be.instanceOf(StoreUnavailableError);
      expect(await rejection(store.findDateOfBirth('Alice'))).to.be.instanceOf(StoreUnavailableError);
    });
  });
}

storeContract('sqlite', async () => {
  const { dir, remove } = tempDir();
  const opened = openStore({ ...storeDefaults, sqlitePath: `${dir}/nested/dir/app.db` }, silent);
  await opened.migrate(new Date());
  return { store: opened.store, cleanup: async () => (await opened.store.close(), remove()) };
});

if (TEST_DATABASE_URL) {
  const baseUrl = TEST_DATABASE_URL;
  storeContract('postgres', async () => {
    const schema = await isolatedPostgresSchema(baseUrl);
    const opened = openStore({ ...storeDefaults, sqlitePath: 'unused', databaseUrl: schema.url }, silent);
    await opened.migrate(new Date());
    return { store: opened.store, cleanup: async () => (await opened.store.close(), await schema.drop()) };
  });

  describe('postgres adapter with no server answering', () => {
    it('should raise StoreUnavailableError, not a raw socket error', async () => {
      // Port 1 on loopback: a real refused connection, nothing simulated.
      const store = createPostgresStore(createPostgresPool({ connectionString: 'postgres://x:y@127.0.0.1:1/none', max: 1, statementTimeoutMs: 1000, connectTimeoutMs: 1000 }));
      try {
        expect(await rejection(store.ping())).to.be.instanceOf(StoreUnavailableError);
        expect(await rejection(store.findDateOfBirth('Alice'))).to.be.instanceOf(StoreUnavailableError);
      } finally {
        await store.close();
      }
    });
  });
} else {
  describe('BirthdayStore contract: postgres', () => {
    it('runs when TEST_DATABASE_URL is set (.ci/run starts PostgreSQL and sets it)');
  });
}

describe('openStore on PostgreSQL: DB_CONNECT_TIMEOUT_MS', () => {
  it('should give up on a server that accepts and never answers after the configured wait, with StoreUnavailableError', async () => {
    // A real listener that takes the connection and says nothing, as a starved database does.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const opened = openStore({ ...storeDefaults, databaseConnectTimeoutMs: 300, sqlitePath: 'unused', databaseUrl: `postgres://x:y@127.0.0.1:${port}/none` }, silent);
    try {
      const started = Date.now();
      expect(await rejection(opened.store.ping())).to.be.instanceOf(StoreUnavailableError);
      // Well under the 3000 ms default, at or over the 300 ms asked for.
      expect(Date.now() - started).to.be.within(250, 2000);
    } finally {
      await opened.store.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});

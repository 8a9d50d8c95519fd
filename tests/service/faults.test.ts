import { expect } from 'chai';
import request from 'supertest';
import { StoreUnavailableError, type BirthdayStore } from '../../service/storage/store';
import { createTestApp } from '../helpers/test-app';

const TOKEN = 'test-token-0123456789';

describe('write protection with API_TOKEN', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeEach(async () => {
    t = await createTestApp({ apiToken: TOKEN });
  });
  afterEach(() => t.cleanup());
  const body = '{"dateOfBirth":"2000-01-01"}';

  for (const [label, header] of [
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['a token prefix', `Bearer ${TOKEN.slice(0, 10)}`],
    ['another scheme', `Basic ${TOKEN}`],
  ] as const) {
    it(`should answer PUT and DELETE with 401 given ${label}`, async () => {
      const put = request(t.app).put('/hello/Alice').set('Content-Type', 'application/json');
      const del = request(t.app).delete('/hello/Alice');
      if (header) {
        put.set('Authorization', header);
        del.set('Authorization', header);
      }
      const res = await put.send(body).expect(401);
      expect(res.headers['www-authenticate']).to.match(/^Bearer/);
      expect(res.body.error).to.match(/token/);
      await del.expect(401);
    });
  }

  it('should allow writes with the right token and keep reads open', async () => {
    await request(t.app).put('/hello/Alice').set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json').send(body).expect(204);
    await request(t.app).get('/hello/Alice').expect(200);
    await request(t.app).delete('/hello/Alice').set('Authorization', `Bearer ${TOKEN}`).expect(204);
  });
});

describe('database faults', () => {
  it('should answer 503 on data routes, and stay ready reporting it, when PostgreSQL refuses connections', async () => {
    // A real fault: nothing listens on port 1 of the loopback, so every connection is refused.
    const t = await createTestApp({ databaseUrl: 'postgres://app:pw@127.0.0.1:1/app' });
    try {
      const res = await request(t.app).get('/hello/Alice').expect(503);
      expect(res.body).to.deep.equal({ error: 'database unavailable, try again later' });
      expect(res.headers['retry-after']).to.equal('5');
      await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send('{"dateOfBirth":"2000-01-01"}').expect(503);
      await request(t.app).delete('/hello/Alice').expect(503);
      const ready = await request(t.app).get('/ready').expect(200);
      expect(ready.body).to.deep.equal({ status: 'ready', database: 'unavailable' });
      await request(t.app).get('/health').expect(200);
      await request(t.app).get('/ping').expect(200);
      expect(ready.text).not.to.include('127.0.0.1');
    } finally {
      await t.cleanup();
    }
  });

  // A store that throws on demand, for the faults that cannot be produced for real at will:
  // a lost database mid-query (503) and a plain bug (500).
  const failing = (error: Error) => (store: BirthdayStore): BirthdayStore => ({
    ...store,
    findDateOfBirth: async () => {
      throw error;
    },
    upsert: async () => {
      throw error;
    },
  });

  it('should answer 503 JSON with Retry-After on data routes when the database is unreachable', async () => {
    const t = await createTestApp({ wrapStore: failing(new StoreUnavailableError('postgres: database unavailable')) });
    try {
      const res = await request(t.app).get('/hello/Alice').expect(503);
      expect(res.body).to.deep.equal({ error: 'database unavailable, try again later' });
      expect(res.headers['retry-after']).to.equal('5');
      await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send('{"dateOfBirth":"2000-01-01"}').expect(503);
    } finally {
      await t.cleanup();
    }
  });

  it('should answer a real fault with a generic 500, no stack, logged with the request id', async () => {
    const t = await createTestApp({ wrapStore: failing(new Error('boom: secret internals at /srv/app.js:12')) });
    try {
      const res = await request(t.app).get('/hello/Alice').set('X-Request-Id', 'req-500').expect(500);
      expect(res.body).to.deep.equal({ error: 'internal server error' });
      expect(res.text).not.to.include('boom');
      const logged = t.logLines.find((line) => line.level === 50 && (line.err as { message?: string })?.message?.includes('boom'));
      expect(logged, 'an error line with the fault').to.not.equal(undefined);
      expect(logged?.reqId).to.equal('req-500');
    } finally {
      await t.cleanup();
    }
  });

  it('should close the database and then report it on /ready and as 503 on data routes', async () => {
    const t = await createTestApp();
    try {
      await t.store.close();
      await request(t.app).get('/hello/Alice').expect(503);
    } finally {
      await t.cleanup();
    }
  });
});

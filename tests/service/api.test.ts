import { expect } from 'chai';
import request from 'supertest';
import { createTestApp } from '../helpers/test-app';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const JSON_TYPE = 'application/json; charset=utf-8';

describe('HTTP API', () => {
  let t: TestApp;
  // Today is fixed at 2026-06-15 for every test here.
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const put = (username: string, body: unknown) =>
    request(t.app).put(`/hello/${encodeURIComponent(username)}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

  describe('GET /', () => {
    it('should answer 200 text/plain "Hello World!"', async () => {
      const res = await request(t.app).get('/').expect(200);
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(res.text).to.equal('Hello World!');
    });
  });

  describe('GET /hello', () => {
    it('should answer the JSON greeting', async () => {
      const res = await request(t.app).get('/hello').expect(200);
      expect(res.headers['content-type']).to.equal(JSON_TYPE);
      expect(res.body).to.deep.equal({ message: 'Hello, World!' });
    });
  });

  describe('GET and HEAD /ping', () => {
    it('should answer a tiny uncached body', async () => {
      const res = await request(t.app).get('/ping').expect(200);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text.length).to.be.at.most(8);
    });
    it('should answer HEAD with 200 and no body', async () => {
      const res = await request(t.app).head('/ping').expect(200);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text ?? '').to.equal('');
    });
    it('should not touch the database', async () => {
      await t.store.close();
      await request(t.app).get('/ping').expect(200);
      await request(t.app).get('/health').expect(200, { status: 'ok' });
    });
  });

  describe('GET /ready', () => {
    it('should be ready when the database answers', async () => {
      await request(t.app).get('/ready').expect(200, { status: 'ready', database: 'ok' });
    });
    it('should be 503 draining once shutdown has begun', async () => {
      t.readiness.startDraining();
      await request(t.app).get('/ready').expect(503, { status: 'draining' });
    });
    it('should stay ready, reporting the database unavailable, when the shared database does not answer', async () => {
      // Every replica shares the database: a proxy that dropped them all would answer 503 for
      // everything, probes included, while the data routes answer 503 + Retry-After themselves.
      await t.store.close();
      await request(t.app).get('/ready').expect(200, { status: 'ready', database: 'unavailable' });
    });
  });

  describe('PUT then GET /hello/:username', () => {
    it('should store with 204 and an empty body, then greet with the days left', async () => {
      const res = await put('Alice', { dateOfBirth: '2000-06-20' }).expect(204);
      expect(res.text).to.equal('');
      const got = await request(t.app).get('/hello/Alice').expect(200);
      expect(got.headers['content-type']).to.equal(JSON_TYPE);
      expect(got.body).to.deep.equal({ message: 'Hello, Alice! Your birthday is in 5 days' });
    });
    it('should say "1 day" on the day before', async () => {
      await put('Bob', { dateOfBirth: '1990-06-16' }).expect(204);
      await request(t.app).get('/hello/Bob').expect(200, { message: 'Hello, Bob! Your birthday is in 1 day' });
    });
    it('should wish a happy birthday on the day', async () => {
      await put('Carol', { dateOfBirth: '1985-06-15' }).expect(204);
      await request(t.app).get('/hello/Carol').expect(200, { message: 'Hello, Carol! Happy birthday!' });
    });
    it('should count to next year once the birthday has passed', async () => {
      await put('Dan', { dateOfBirth: '1985-06-14' }).expect(204);
      await request(t.app).get('/hello/Dan').expect(200, { message: 'Hello, Dan! Your birthday is in 364 days' });
    });
    it('should replace the date on a second PUT (upsert)', async () => {
      await put('Erin', { dateOfBirth: '1985-06-14' }).expect(204);
      await put('Erin', { dateOfBirth: '1985-06-17' }).expect(204);
      await request(t.app).get('/hello/Erin').expect(200, { message: 'Hello, Erin! Your birthday is in 2 days' });
    });
    it('should ignore fields other than dateOfBirth', async () => {
      await put('Fay', { dateOfBirth: '1985-06-17', admin: true }).expect(204);
    });
    it('should accept application/json with a charset and +json types', async () => {
      await request(t.app).put('/hello/Gus').set('Content-Type', 'application/json; charset=utf-8').send('{"dateOfBirth":"2001-01-01"}').expect(204);
      await request(t.app).put('/hello/Hal').set('Content-Type', 'application/merge-patch+json').send('{"dateOfBirth":"2001-01-01"}').expect(204);
    });
  });

  describe('usernames', () => {
    it('should be case-sensitive', async () => {
      await put('Alice', { dateOfBirth: '2000-06-20' }).expect(204);
      await request(t.app).get('/hello/alice').expect(404);
    });
    it('should accept letters of any script and a combining mark after a letter', async () => {
      for (const name of ['Zoë', 'Ærøskøbing', 'Łukasz', 'Дмитрий', '李小龍', 'علي', 'x'.repeat(64)]) {
        await put(name, { dateOfBirth: '2000-06-20' }).expect(204);
      }
    });
    it('should treat NFC and NFD spellings as the same user', async () => {
      await put('Zo\u00eb', { dateOfBirth: '2000-06-20' }).expect(204);
      const res = await request(t.app).get(`/hello/${encodeURIComponent('Zoe\u0308')}`).expect(200);
      expect(res.body.message).to.equal('Hello, Zo\u00eb! Your birthday is in 5 days');
    });
    for (const bad of ['Al1ce', 'Al ice', 'Al-ice', 'Al_ice', 'Alice!', 'Ali😀', '\u0301abc', 'x'.repeat(65), '١٢٣']) {
      it(`should reject ${JSON.stringify(bad)} with 400 on GET, PUT and DELETE`, async () => {
        const path = `/hello/${encodeURIComponent(bad)}`;
        for (const res of [
          await request(t.app).get(path),
          await request(t.app).put(path).set('Content-Type', 'application/json').send('{"dateOfBirth":"2000-01-01"}'),
          await request(t.app).delete(path),
        ]) {
          expect(res.status).to.equal(400);
          expect(res.headers['content-type']).to.equal(JSON_TYPE);
          expect(res.body.error).to.match(/username/);
        }
      });
    }
    it('should reject malformed percent-encoding with 400 JSON', async () => {
      const res = await request(t.app).get('/hello/%E0%A4%A').expect(400);
      expect(res.body).to.have.property('error').that.is.a('string');
    });
  });

  describe('dates of birth', () => {
    for (const [date, why] of [
      ['2021-02-29', 'not a leap year'],
      ['2020-13-01', 'month 13'],
      ['2020-1-1', 'not zero-padded'],
      ['2020-01-32', 'day 32'],
      ['20200101', 'no dashes'],
      ['2020-01-01T00:00:00Z', 'a timestamp'],
      [' 2020-01-01', 'leading space'],
      ['1899-12-31', 'before 1900'],
      ['2026-06-15', 'today'],
      ['2030-01-01', 'the future'],
    ]) {
      it(`should reject ${date} (${why}) with 400`, async () => {
        const res = await put('Alice', { dateOfBirth: date }).expect(400);
        expect(res.body.error).to.match(/dateOfBirth/);
      });
    }
    it('should accept 1900-01-01, yesterday and 29 February of a leap year', async () => {
      for (const date of ['1900-01-01', '2026-06-14', '2024-02-29']) await put('Alice', { dateOfBirth: date }).expect(204);
    });
  });

  describe('PUT bodies', () => {
    it('should answer 415 to a non-JSON Content-Type', async () => {
      const res = await request(t.app).put('/hello/Alice').set('Content-Type', 'text/plain').send('dateOfBirth=2000-01-01').expect(415);
      expect(res.body.error).to.match(/application\/json/);
    });
    it('should answer 415 to a body with no Content-Type', async () => {
      await request(t.app).put('/hello/Alice').expect(415);
    });
    it('should answer 400 to malformed JSON', async () => {
      const res = await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send('{"dateOfBirth":').expect(400);
      expect(res.body.error).to.equal('request body is not valid JSON');
    });
    for (const [body, label] of [
      ['[]', 'an array'],
      ['"2000-01-01"', 'a string'],
      ['null', 'null'],
      ['{}', 'no dateOfBirth'],
      ['{"dateOfBirth":20000101}', 'a number'],
      ['{"dateOfBirth":null}', 'a null date'],
      ['', 'empty'],
    ]) {
      it(`should answer 400 to ${label}`, async () => {
        const res = await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send(body).expect(400);
        expect(res.body.error).to.be.a('string');
      });
    }
    it('should answer 413 to a body over 16 KiB', async () => {
      const body = JSON.stringify({ dateOfBirth: '2000-01-01', padding: 'x'.repeat(16 * 1024) });
      const res = await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send(body).expect(413);
      expect(res.body.error).to.match(/16 KiB/);
    });
    it('should accept a body just under 16 KiB', async () => {
      const body = JSON.stringify({ dateOfBirth: '2000-01-01', padding: 'x'.repeat(16 * 1024 - 60) });
      await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send(body).expect(204);
    });
    it('should answer 415 to an unsupported charset', async () => {
      await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json; charset=koi8-r').send('{"dateOfBirth":"2000-01-01"}').expect(415);
    });
  });

  describe('DELETE /hello/:username', () => {
    it('should remove a user with 204, then 404', async () => {
      await put('Alice', { dateOfBirth: '2000-06-20' }).expect(204);
      await request(t.app).delete('/hello/Alice').expect(204);
      await request(t.app).get('/hello/Alice').expect(404);
      const res = await request(t.app).delete('/hello/Alice').expect(404);
      expect(res.body.error).to.match(/Alice/);
    });
  });

  describe('unknown paths and methods', () => {
    it('should answer 404 JSON to an unknown path', async () => {
      const res = await request(t.app).get('/nope').expect(404);
      expect(res.headers['content-type']).to.equal(JSON_TYPE);
      expect(res.body.error).to.be.a('string');
    });
    for (const [method, path, allow] of [
      ['post', '/hello', 'GET, HEAD'],
      ['delete', '/', 'GET, HEAD'],
      ['post', '/hello/Alice', 'GET, HEAD, PUT, DELETE'],
      ['patch', '/hello/Alice', 'GET, HEAD, PUT, DELETE'],
      ['put', '/ready', 'GET, HEAD'],
      ['post', '/ping', 'GET, HEAD'],
    ] as const) {
      it(`should answer ${method.toUpperCase()} ${path} with 405 and Allow: ${allow}`, async () => {
        const res = await request(t.app)[method](path).expect(405);
        expect(res.headers.allow).to.equal(allow);
        expect(res.body.error).to.match(/not allowed/);
      });
    }
  });

  describe('headers', () => {
    it('should send helmet headers and no X-Powered-By', async () => {
      const res = await request(t.app).get('/hello').expect(200);
      expect(res.headers).not.to.have.property('x-powered-by');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['content-security-policy']).to.include("default-src 'self'");
      expect(res.headers['strict-transport-security']).to.match(/max-age=/);
    });
    it('should keep a sane incoming X-Request-Id and echo it', async () => {
      const res = await request(t.app).get('/hello').set('X-Request-Id', 'trace-42.a:b').expect(200);
      expect(res.headers['x-request-id']).to.equal('trace-42.a:b');
    });
    it('should replace an insane X-Request-Id with a generated one', async () => {
      const res = await request(t.app).get('/hello').set('X-Request-Id', 'bad id\twith <junk>').expect(200);
      expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    });
  });
});

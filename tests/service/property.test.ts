import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { createTestApp } from '../helpers/test-app';

// Whatever a client sends, the answer is never a 5xx: malformed input is always the client's 4xx.
describe('property: no request yields a 5xx', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  before(async () => {
    t = await createTestApp({ apiToken: 'property-token-0123456789' });
  });
  after(() => t.cleanup());

  const username = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.stringMatching(/^[A-Za-z]{1,70}$/),
  );
  const jsonBody = fc.oneof(
    fc.record({ dateOfBirth: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.anything()) }, { requiredKeys: [] }),
    fc.anything(),
  );
  const rawBody = fc.oneof(
    jsonBody.map((value) => JSON.stringify(value) ?? ''),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('{', '{"dateOfBirth":', '\u0000', '[1,2', '{"dateOfBirth":"2000-02-30"}', 'x'.repeat(17 * 1024)),
  );
  const contentType = fc.option(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '*/*', 'application/vnd.api+json', ';;;'),
  );
  const authorization = fc.option(fc.oneof(fc.constant('Bearer property-token-0123456789'), fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`), fc.string({ maxLength: 40 })));
  const requestId = fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }));
  const method = fc.constantFrom('get', 'put', 'delete', 'post', 'patch', 'head', 'options');

  it('holds for arbitrary usernames, bodies and headers', async () => {
    await fc.assert(
      fc.asyncProperty(method, username, rawBody, contentType, authorization, requestId, async (m, name, body, type, auth, id) => {
        const req = request(t.app)[m](`/hello/${encodeURIComponent(name)}`);
        if (type !== null) req.set('Content-Type', type);
        if (auth !== null) req.set('Authorization', auth.replace(/[\r\n]/g, ''));
        if (id !== null) req.set('X-Request-Id', id.replace(/[\r\n]/g, ''));
        const res = m === 'get' || m === 'head' ? await req : await req.send(body);
        expect(res.status, `${m.toUpperCase()} ${JSON.stringify(name)} ${JSON.stringify(body).slice(0, 80)}`).to.be.below(500);
        if (m !== 'head' && res.status >= 400) expect(res.body).to.have.property('error').that.is.a('string');
      }),
      { numRuns: 300 },
    );
  });

  it('holds for arbitrary raw paths', async () => {
    const segment = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '%00', 'hello'));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), method, async (segments, m) => {
        const path = `/${segments.join('/')}`.replace(/[\s#?]/g, '');
        const res = await request(t.app)[m](path);
        expect(res.status, `${m} ${path}`).to.be.below(500);
      }),
      { numRuns: 200 },
    );
  });
});

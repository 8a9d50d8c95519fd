import { expect } from 'chai';
import request from 'supertest';
import { createTestApp } from '../helpers/test-app';

/** Every path the app routes, in OpenAPI spelling, read from the router itself. */
function routedPaths(app: { router: { stack: unknown[] } }): string[] {
  const paths: string[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: string }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) paths.push(layer.route.path.replace(/:(\w+)/g, '{$1}'));
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return paths;
}

describe('GET /openapi.json and /docs', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  it('should describe every routed path, and only those, in OpenAPI 3.1', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const documented = Object.keys(res.body.paths).sort();
    const routed = routedPaths(t.app as unknown as { router: { stack: unknown[] } })
      .filter((p) => p !== '/docs/init.js')
      .sort();
    expect(documented).to.deep.equal(routed);
  });

  it('should give as greeting examples exactly what the service answers', async () => {
    const { body } = await request(t.app).get('/openapi.json').expect(200);
    const examples = Object.values(body.paths['/hello/{username}'].get.responses['200'].content['application/json'].examples as Record<string, { value: { message: string } }>);
    expect(examples).to.have.length.at.least(3);
    for (const { value } of examples) {
      // Arrange a birthday N days after the test app's today (2026-06-15), then ask for it.
      const [, name, days] = /^Hello, (\p{L}+)! (?:Your birthday is in (\d+) days?|Happy birthday!)$/u.exec(value.message) ?? [];
      expect(name, value.message).to.be.a('string');
      const day = String(15 + Number(days ?? 0)).padStart(2, '0');
      await request(t.app).put(`/hello/${name}`).send({ dateOfBirth: `1990-06-${day}` }).expect(204);
      await request(t.app).get(`/hello/${name}`).expect(200, value);
    }
  });

  it('should document the error responses of the birthday routes', async () => {
    const { body } = await request(t.app).get('/openapi.json').expect(200);
    const item = body.paths['/hello/{username}'];
    expect(Object.keys(item.put.responses)).to.include.members(['204', '400', '401', '413', '415']);
    expect(Object.keys(item.get.responses)).to.include.members(['200', '400', '404']);
  });

  it('should serve a page that loads the renderer from this server only', async () => {
    const page = await request(t.app).get('/docs').expect(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(sources).to.have.length(3);
    for (const source of sources) {
      expect(source.startsWith('/docs/')).to.equal(true);
      await request(t.app).get(source).expect(200);
    }
    const init = await request(t.app).get('/docs/init.js').expect(200);
    expect(init.text).to.include("url: '/openapi.json'");
  });
});

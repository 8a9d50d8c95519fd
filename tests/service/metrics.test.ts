import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { UNMATCHED_ROUTE } from '../../service/http/metrics';
import { createMetricsServer } from '../../service/shared/metrics-server';
import { createTestApp } from '../helpers/test-app';
import { sleep } from '../helpers/wait';

describe('Prometheus metrics', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const series = async (name: string) => (await t.registry.getSingleMetric(name)?.get())?.values ?? [];

  it('should label requests by method, route template and status code', async () => {
    await request(t.app).put('/hello/Alice').set('Content-Type', 'application/json').send('{"dateOfBirth":"2000-01-01"}').expect(204);
    await request(t.app).get('/hello/Alice').expect(200);
    await request(t.app).get('/hello/Bob').expect(404);
    await request(t.app).post('/hello').expect(405);
    const labels = (await series('http_requests_total')).map((v) => v.labels);
    expect(labels).to.deep.include.members([
      { method: 'PUT', route: '/hello/:username', status_code: '204' },
      { method: 'GET', route: '/hello/:username', status_code: '200' },
      { method: 'GET', route: '/hello/:username', status_code: '404' },
      { method: 'POST', route: '/hello', status_code: '405' },
    ]);
    expect(labels.map((l) => l.route)).not.to.include('/hello/Alice');
  });

  it('should keep cardinality bounded: any number of unknown paths share one route label', async () => {
    for (let i = 0; i < 50; i++) await request(t.app).get(`/random/${i}/${Math.random()}`).expect(404);
    for (let i = 0; i < 20; i++) await request(t.app).get(`/hello/User${'abcdefghijklmnopqrst'[i]}`).expect(404);
    const values = await series('http_requests_total');
    const unmatched = values.filter((v) => v.labels.route === UNMATCHED_ROUTE);
    expect(unmatched).to.have.length(1);
    expect(unmatched[0]?.value).to.equal(50);
    expect(values.filter((v) => v.labels.route === '/hello/:username')).to.have.length(1);
  });

  it('should observe durations in the histogram with the same labels', async () => {
    await request(t.app).get('/hello').expect(200);
    const count = (await series('http_request_duration_seconds')).find(
      (v) => (v as { metricName?: string }).metricName === 'http_request_duration_seconds_count' && v.labels.route === '/hello',
    );
    expect(count?.value).to.equal(1);
  });

  it('should export app_info with version and commit, and default process metrics', async () => {
    expect((await series('app_info'))[0]).to.deep.include({ value: 1, labels: { version: '9.9.9', commit: 'abc1234' } });
    expect(await series('process_cpu_seconds_total')).to.have.length.greaterThan(0);
    expect(await series('nodejs_eventloop_lag_seconds')).to.have.length.greaterThan(0);
  });

  it('should not serve /metrics on the public app', async () => {
    await request(t.app).get('/metrics').expect(404);
  });

  describe('the metrics listener', () => {
    it('should serve GET /metrics in the Prometheus text format and 404 JSON otherwise', async () => {
      const server = createMetricsServer(t.registry).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const res = await request(base).get('/metrics').expect(200);
        expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
        expect(res.text).to.include('app_info{version="9.9.9",commit="abc1234"} 1');
        const other = await request(base).get('/').expect(404);
        expect(other.body.error).to.be.a('string');
      } finally {
        server.close();
      }
    });
  });
});

describe('request logging', () => {
  it('should log one JSON line per request with id, method, route, status and duration', async () => {
    const t = await createTestApp();
    try {
      await request(t.app).get('/hello/Nobody').set('X-Request-Id', 'log-test-1').expect(404);
      const lines = t.logLines.filter((l) => l.reqId === 'log-test-1' && l.msg === 'request completed');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.deep.include({ method: 'GET', url: '/hello/Nobody', route: '/hello/:username', status: 404, level: 30 });
      expect(lines[0]?.durationMs).to.be.a('number').and.be.above(0);
    } finally {
      await t.cleanup();
    }
  });

  it('should log the client address from X-Forwarded-For only when TRUST_PROXY trusts the proxy', async () => {
    for (const [trustProxy, expected] of [
      [false, /^(::ffff:)?127\.0\.0\.1$/], // the socket's peer: the header is not believed
      ['loopback', /^203\.0\.113\.7$/],
    ] as const) {
      const t = await createTestApp({ trustProxy });
      try {
        await request(t.app).get('/hello').set('X-Forwarded-For', '203.0.113.7').set('X-Request-Id', 'ip-test').expect(200);
        expect(t.logLines.find((l) => l.reqId === 'ip-test')?.ip, `TRUST_PROXY=${trustProxy}`).to.match(expected);
      } finally {
        await t.cleanup();
      }
    }
  });

  it('should log a request the client abandoned as aborted', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = await createTestApp({ wrapStore: (store) => ({ ...store, findDateOfBirth: async () => (await gate, undefined) }) });
    const server = t.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const controller = new AbortController();
      const pending = fetch(`http://127.0.0.1:${port}/hello/Alice`, { headers: { 'X-Request-Id': 'gone-1' }, signal: controller.signal }).catch(() => 'aborted');
      await sleep(100);
      controller.abort();
      expect(await pending).to.equal('aborted');
      await sleep(100);
      release();
      const line = t.logLines.find((l) => l.reqId === 'gone-1');
      expect(line).to.deep.include({ aborted: true, route: '/hello/:username' });
      // Metrics count answered requests only.
      const counted = (await t.registry.getSingleMetric('http_requests_total')?.get())?.values ?? [];
      expect(counted.filter((v) => v.labels.route === '/hello/:username')).to.deep.equal([]);
    } finally {
      release();
      server.close();
      await t.cleanup();
    }
  });
});

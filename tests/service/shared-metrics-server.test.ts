import { expect } from 'chai';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { createMetricsServer, type Health } from '../../service/shared/metrics-server';

describe('shared metrics listener', () => {
  let server: http.Server;
  const start = async (registry: Registry, health?: () => Health): Promise<string> => {
    server = createMetricsServer(registry, health).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const registryWithCounter = () => {
    const registry = new Registry();
    new Counter({ name: 'test_events_total', help: 'Events.', registers: [registry] }).inc(3);
    return registry;
  };

  describe('without a health callback', () => {
    it('should serve GET /metrics from the given registry in the Prometheus text format', async () => {
      const base = await start(registryWithCounter());
      const res = await request(base).get('/metrics?debug=1').expect(200);
      expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      expect(res.text).to.include('test_events_total 3');
    });

    it('should answer 404 JSON naming /metrics for /health, other paths and other methods', async () => {
      const base = await start(new Registry());
      for (const res of [await request(base).get('/health'), await request(base).get('/'), await request(base).post('/metrics')]) {
        expect(res.status).to.equal(404);
        expect(res.body).to.deep.equal({ error: 'only GET /metrics is served here' });
      }
    });

    it('should answer 500 JSON when collecting a metric fails', async () => {
      const registry = new Registry();
      new Counter({ name: 'test_broken_total', help: 'Fails.', registers: [registry], collect: () => Promise.reject(new Error('boom')) });
      const base = await start(registry);
      await request(base).get('/metrics').expect(500, { error: 'metrics collection failed' });
    });
  });

  describe('with a health callback', () => {
    it('should answer GET /health 200 with the status while healthy, 503 once not', async () => {
      let health: Health = { healthy: true, status: 'ok' };
      const base = await start(new Registry(), () => health);
      await request(base).get('/health').expect(200, { status: 'ok' });
      health = { healthy: false, status: 'stuck' };
      await request(base).get('/health').expect(503, { status: 'stuck' });
    });

    it('should name both paths in its 404', async () => {
      const base = await start(new Registry(), () => ({ healthy: true, status: 'ok' }));
      await request(base).get('/ready').expect(404, { error: 'only GET /metrics and /health are served here' });
      await request(base).get('/metrics').expect(200);
    });
  });
});

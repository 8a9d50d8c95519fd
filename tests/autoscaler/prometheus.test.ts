import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrometheus, DEFAULT_QUERY_OPTIONS, perTaskQuery, PrometheusError } from '../../scripts/autoscaler/prometheus';

const CPU = { kind: 'cpu', target: 0.7, saturation: 0.9 } as const;

describe('autoscaler Prometheus queries', () => {
  it('builds the default per-task CPU query on the tasks\' own process_cpu_seconds_total', () => {
    expect(perTaskQuery(CPU, 'web_app')).to.equal('sum by (swarm_task_id) (rate(process_cpu_seconds_total{swarm_service="web_app"}[1m]))');
  });
  it('builds the cAdvisor query, relabelled to the same task label', () => {
    const query = perTaskQuery(CPU, 'web', { ...DEFAULT_QUERY_OPTIONS, cpuMetric: 'cadvisor', rateWindow: '2m' });
    expect(query).to.include('container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="web"}[2m]');
    expect(query).to.include('"swarm_task_id", "$1", "container_label_com_docker_swarm_task_id"');
  });
  it('substitutes the service into a custom query', () => {
    expect(perTaskQuery({ kind: 'custom', target: 1, query: 'sum by (swarm_task_id) (rate(x{s="{{service}}"}[1m])) / on() group_left() y{s="{{service}}"}' }, 'api')).to.equal(
      'sum by (swarm_task_id) (rate(x{s="api"}[1m])) / on() group_left() y{s="api"}',
    );
  });
  it('quotes a service name safely in PromQL', () => {
    expect(perTaskQuery(CPU, 'a"b')).to.include('swarm_service="a\\"b"');
  });
  it('builds the request-rate query on the tasks\' http_requests_total, summed over routes and codes', () => {
    expect(perTaskQuery({ kind: 'requests', target: 50 }, 'app_api')).to.equal('sum by (swarm_task_id) (rate(http_requests_total{swarm_service="app_api"}[1m]))');
  });
  it('takes the request counter and the rate window from the settings', () => {
    expect(perTaskQuery({ kind: 'requests', target: 50 }, 'app_api', { ...DEFAULT_QUERY_OPTIONS, requestRateMetric: 'app_requests_total', rateWindow: '30s' })).to.equal(
      'sum by (swarm_task_id) (rate(app_requests_total{swarm_service="app_api"}[30s]))',
    );
  });
  it('uses a service\'s own request-rate query, the service substituted', () => {
    expect(perTaskQuery({ kind: 'requests', target: 50, query: 'sum by (swarm_task_id) (rate(r{s="{{service}}"}[1m]))' }, 'web')).to.equal('sum by (swarm_task_id) (rate(r{s="web"}[1m]))');
  });
  it('reports an unreachable Prometheus as a PrometheusError', async () => {
    let error: unknown;
    await createPrometheus('http://127.0.0.1:1').valuesByLabel('up', 'job').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(PrometheusError);
  });
  it('reads an instant vector by label and reports a query error', async () => {
    // A local HTTP server answering in Prometheus' documented format: the real server's
    // answers are covered by the e2e suite; this pins the parsing of both outcomes.
    const server = http.createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query');
      res.writeHead(query === 'bad' ? 400 : 200, { 'Content-Type': 'application/json' });
      res.end(
        query === 'bad'
          ? JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 1' })
          : JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { swarm_task_id: 't1' }, value: [1, '0.25'] }, { metric: { swarm_task_id: 't2' }, value: [1, 'NaN'] }] } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const prometheus = createPrometheus(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect([...(await prometheus.valuesByLabel('ok', 'swarm_task_id'))]).to.deep.equal([['t1', 0.25]]);
      let error: unknown;
      await prometheus.valuesByLabel('bad', 'swarm_task_id').catch((e: unknown) => (error = e));
      expect((error as Error).message).to.equal('query failed: parse error at char 1');
    } finally {
      server.close();
    }
  });
});

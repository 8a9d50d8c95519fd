import { expect } from 'chai';
import { loadAutoscalerConfig } from '../../scripts/autoscaler/config';
import { ConfigError } from '../../service/shared/env';

const problems = (env: NodeJS.ProcessEnv): string => {
  try {
    loadAutoscalerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('autoscaler configuration', () => {
  it('gives the documented defaults with only PROMETHEUS_URL', () => {
    expect(loadAutoscalerConfig({ PROMETHEUS_URL: 'http://prometheus:9090' })).to.deep.equal({
      prometheusUrl: 'http://prometheus:9090',
      dockerHost: 'unix:///var/run/docker.sock',
      intervalMs: 15_000,
      dryRun: false,
      tolerance: 0.1,
      metricsPort: 9465,
      logLevel: 'info',
      cpuMetric: 'process',
      rateWindow: '1m',
      requestRateMetric: 'http_requests_total',
    });
  });

  it('reads every setting', () => {
    const config = loadAutoscalerConfig({
      PROMETHEUS_URL: 'https://p.example:9090/prom/',
      DOCKER_HOST: 'tcp://127.0.0.1:2375',
      AUTOSCALER_INTERVAL: '30s',
      DRY_RUN: 'true',
      TOLERANCE: '0.2',
      METRICS_PORT: '9999',
      CPU_METRIC: 'cadvisor',
      CPU_RATE_WINDOW: '2m',
      REQUEST_RATE_METRIC: 'traefik:requests_total',
    });
    expect(config).to.include({ requestRateMetric: 'traefik:requests_total' });
    expect(config).to.include({ dockerHost: 'tcp://127.0.0.1:2375', intervalMs: 30_000, dryRun: true, tolerance: 0.2, metricsPort: 9999, cpuMetric: 'cadvisor', rateWindow: '2m' });
  });

  it('requires PROMETHEUS_URL', () => expect(problems({})).to.match(/PROMETHEUS_URL is required/));

  it('names every bad setting in one line', () => {
    const message = problems({ PROMETHEUS_URL: 'ftp://x', DOCKER_HOST: '/var/run/docker.sock', AUTOSCALER_INTERVAL: '100ms', TOLERANCE: '2', DRY_RUN: 'maybe', CPU_METRIC: 'gpu', REQUEST_RATE_METRIC: 'http-requests' });
    expect(message).not.to.include('\n');
    for (const name of ['PROMETHEUS_URL', 'DOCKER_HOST', 'AUTOSCALER_INTERVAL', 'TOLERANCE', 'DRY_RUN', 'CPU_METRIC', 'REQUEST_RATE_METRIC']) expect(message).to.include(name);
  });
});

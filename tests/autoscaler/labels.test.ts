import { expect } from 'chai';
import { DEFAULT_BEHAVIOR } from '../../scripts/autoscaler/decision';
import { parseRatePolicies, readServiceLabels } from '../../scripts/autoscaler/labels';

describe('autoscaler service labels', () => {
  it('leaves a service without autoscaler.enable=true alone', () => {
    expect(readServiceLabels({})).to.deep.equal({ managed: false });
    expect(readServiceLabels({ 'autoscaler.enable': 'false', 'autoscaler.max': '5' })).to.deep.equal({ managed: false });
    expect(readServiceLabels({ 'autoscaler.enable': 'yes', 'autoscaler.max': '5' })).to.deep.equal({ managed: false });
  });

  it('gives the documented defaults for a service with only enable and max', () => {
    expect(readServiceLabels({ 'autoscaler.enable': 'true', 'autoscaler.max': '6' })).to.deep.equal({
      managed: true,
      policy: {
        metrics: [{ kind: 'cpu', target: 0.7, saturation: 0.9 }],
        spec: { minReplicas: 1, maxReplicas: 6, initializationPeriodMs: 30_000, ...DEFAULT_BEHAVIOR },
      },
    });
  });

  it('reads every override', () => {
    const reading = readServiceLabels({
      'autoscaler.enable': 'TRUE',
      'autoscaler.min': '3',
      'autoscaler.max': '30',
      'autoscaler.query': 'avg by (task) (rate(http_requests_total{service="{{service}}"}[1m]))',
      'autoscaler.target': '150',
      'autoscaler.requests.target': '40',
      'autoscaler.requests.query': 'sum by (swarm_task_id) (rate(proxy_requests_total{svc="{{service}}"}[1m]))',
      'autoscaler.initialization-period': '45s',
      'autoscaler.scale-up.window': '30s',
      'autoscaler.scale-up.policies': '50%/30s',
      'autoscaler.scale-down.window': '10m',
      'autoscaler.scale-down.policies': '2/1m, 10%/1m',
    });
    expect(reading).to.deep.equal({
      managed: true,
      policy: {
        metrics: [
          { kind: 'custom', query: 'avg by (task) (rate(http_requests_total{service="{{service}}"}[1m]))', target: 150 },
          { kind: 'requests', target: 40, query: 'sum by (swarm_task_id) (rate(proxy_requests_total{svc="{{service}}"}[1m]))' },
        ],
        spec: {
          minReplicas: 3,
          maxReplicas: 30,
          initializationPeriodMs: 45_000,
          scaleUp: { stabilizationWindowMs: 30_000, policies: [{ type: 'percent', value: 50, periodMs: 30_000 }] },
          scaleDown: {
            stabilizationWindowMs: 600_000,
            policies: [
              { type: 'tasks', value: 2, periodMs: 60_000 },
              { type: 'percent', value: 10, periodMs: 60_000 },
            ],
          },
        },
      },
    });
  });

  it('reads the request-rate signal beside CPU, with its own target, and the saturation threshold', () => {
    const reading = readServiceLabels({
      'autoscaler.enable': 'true',
      'autoscaler.max': '9',
      'autoscaler.cpu.target': '0.6',
      'autoscaler.cpu.saturation': '0.85',
      'autoscaler.requests.target': '120.5',
    });
    expect('policy' in reading && reading.policy.metrics).to.deep.equal([
      { kind: 'cpu', target: 0.6, saturation: 0.85 },
      { kind: 'requests', target: 120.5 },
    ]);
  });

  const problemCases: [string, Record<string, string>, RegExp][] = [
    ['max missing', {}, /autoscaler\.max is required/],
    ['max not a number', { 'autoscaler.max': 'ten' }, /autoscaler\.max must be a whole number/],
    ['max zero', { 'autoscaler.max': '0' }, /autoscaler\.max must be at least 1/],
    ['min above max', { 'autoscaler.max': '2', 'autoscaler.min': '3' }, /min \(3\) is above autoscaler\.max \(2\)/],
    ['negative target', { 'autoscaler.max': '2', 'autoscaler.cpu.target': '-1' }, /cpu\.target must be a positive number/],
    ['query without target', { 'autoscaler.max': '2', 'autoscaler.query': 'up' }, /query and autoscaler\.target go together/],
    ['cpu target with query', { 'autoscaler.max': '2', 'autoscaler.query': 'up', 'autoscaler.target': '1', 'autoscaler.cpu.target': '0.5' }, /exclude each other/],
    ['bad window', { 'autoscaler.max': '2', 'autoscaler.scale-down.window': 'soon' }, /scale-down\.window must be a duration/],
    ['bad policies', { 'autoscaler.max': '2', 'autoscaler.scale-up.policies': '100%' }, /scale-up\.policies must be a list/],
    ['saturation above the limit', { 'autoscaler.max': '2', 'autoscaler.cpu.saturation': '1.2' }, /cpu\.saturation must be a number above 0 and at most 1/],
    ['saturation with a custom query', { 'autoscaler.max': '2', 'autoscaler.query': 'up', 'autoscaler.target': '1', 'autoscaler.cpu.saturation': '0.9' }, /cpu\.saturation applies to CPU only/],
    ['a request-rate target of 0', { 'autoscaler.max': '2', 'autoscaler.requests.target': '0' }, /requests\.target must be above 0/],
    ['a request-rate query without its target', { 'autoscaler.max': '2', 'autoscaler.requests.query': 'up' }, /requests\.query needs autoscaler\.requests\.target/],
    ['a typo', { 'autoscaler.max': '2', 'autoscaler.maximum': '3' }, /autoscaler\.maximum is not a known label/],
  ];
  for (const [name, labels, problem] of problemCases) {
    it(`reports ${name} as a problem of that service`, () => {
      const reading = readServiceLabels({ 'autoscaler.enable': 'true', ...labels });
      expect(reading.managed).to.equal(true);
      expect('problems' in reading && reading.problems.join('; ')).to.match(problem);
    });
  }

  it('parses rate policies', () => {
    expect(parseRatePolicies('100%/15s,4/15s')).to.deep.equal([
      { type: 'percent', value: 100, periodMs: 15_000 },
      { type: 'tasks', value: 4, periodMs: 15_000 },
    ]);
    for (const bad of ['', '0%/15s', '4/0s', '4', '%/15s']) expect(parseRatePolicies(bad), bad).to.equal(undefined);
  });
});

import { expect } from 'chai';
import { DEFAULT_BEHAVIOR } from '../../scripts/autoscaler/decision';
import { parseDuration, parseRatePolicies, readServiceLabels } from '../../scripts/autoscaler/labels';

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
        metric: { kind: 'cpu' },
        spec: { minReplicas: 1, maxReplicas: 6, target: 0.7, initializationPeriodMs: 30_000, ...DEFAULT_BEHAVIOR },
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
      'autoscaler.initialization-period': '45s',
      'autoscaler.scale-up.window': '30s',
      'autoscaler.scale-up.policies': '50%/30s',
      'autoscaler.scale-down.window': '10m',
      'autoscaler.scale-down.policies': '2/1m, 10%/1m',
    });
    expect(reading).to.deep.equal({
      managed: true,
      policy: {
        metric: { kind: 'custom', query: 'avg by (task) (rate(http_requests_total{service="{{service}}"}[1m]))' },
        spec: {
          minReplicas: 3,
          maxReplicas: 30,
          target: 150,
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
    ['a typo', { 'autoscaler.max': '2', 'autoscaler.maximum': '3' }, /autoscaler\.maximum is not a known label/],
  ];
  for (const [name, labels, problem] of problemCases) {
    it(`reports ${name} as a problem of that service`, () => {
      const reading = readServiceLabels({ 'autoscaler.enable': 'true', ...labels });
      expect(reading.managed).to.equal(true);
      expect('problems' in reading && reading.problems.join('; ')).to.match(problem);
    });
  }

  it('parses durations and rate policies', () => {
    expect([parseDuration('0'), parseDuration('15'), parseDuration('1500ms'), parseDuration('5m'), parseDuration('1h'), parseDuration('x')]).to.deep.equal([
      0, 15_000, 1500, 300_000, 3_600_000, undefined,
    ]);
    expect(parseRatePolicies('100%/15s,4/15s')).to.deep.equal([
      { type: 'percent', value: 100, periodMs: 15_000 },
      { type: 'tasks', value: 4, periodMs: 15_000 },
    ]);
    for (const bad of ['', '0%/15s', '4/0s', '4', '%/15s']) expect(parseRatePolicies(bad), bad).to.equal(undefined);
  });
});

// The rules beyond the HPA's ratio: saturation, a second signal, settling after a blind step.
// Each case names the rule it pins; without that rule the expected outcome changes.
import { expect } from 'chai';
import { decide, DEFAULT_BEHAVIOR, type DecisionReason, type ScalingHistory, type ScalingSpec, type Signal, type TaskSample } from '../../scripts/autoscaler/decision';

const NOW = 1_000_000_000;
const SPEC: ScalingSpec = { minReplicas: 1, maxReplicas: 40, tolerance: 0.1, initializationPeriodMs: 30_000, ...DEFAULT_BEHAVIOR };
const old = (value?: number): TaskSample => ({ startedAtMs: NOW - 3_600_000, value });
const young = (value?: number): TaskSample => ({ startedAtMs: NOW - 10_000, value });
const many = (n: number, make: () => TaskSample) => Array.from({ length: n }, make);
/** CPU against a limit of the service, saturated at 90 % of it. */
const cpu = (tasks: TaskSample[]): Signal => ({ name: 'cpu', target: 0.7, tasks, saturationThreshold: 0.9 });
const cpuWithoutLimit = (tasks: TaskSample[]): Signal => ({ name: 'cpu', target: 0.7, tasks });
const requests = (tasks: TaskSample[]): Signal => ({ name: 'requests', target: 70, tasks });
const SEEN: ScalingHistory = { recommendations: [], events: [], observedSinceMs: NOW - 3_600_000 };

interface Case {
  name: string;
  spec?: Partial<ScalingSpec>;
  current: number;
  signals: Signal[];
  history?: Partial<ScalingHistory>;
  expected: number;
  reason: DecisionReason;
  signal?: string;
}

const cases: Case[] = [
  // Saturation: the ratio would ask for ceil(4 x 0.95 / 0.7) = 6.
  { name: 'saturation: tasks at 95 % of their limit go up by the rate maximum, 4 to 8', current: 4, signals: [cpu(many(4, () => old(0.95)))], expected: 8, reason: 'Saturated' },
  { name: 'saturation: none without a CPU limit (the ratio rule alone: 6)', current: 4, signals: [cpuWithoutLimit(many(4, () => old(0.95)))], expected: 6, reason: 'ScaleUp' },
  { name: 'saturation: none below the threshold (85 % of the limit: ratio, 5)', current: 4, signals: [cpu(many(4, () => old(0.85)))], expected: 5, reason: 'ScaleUp' },
  {
    name: 'saturation: not while the usage is within tolerance of a target near the limit (target 0.88, usage 0.92)',
    current: 4,
    signals: [{ ...cpu(many(4, () => old(0.92))), target: 0.88 }],
    expected: 4, // 8 by saturation if only the threshold counted
    reason: 'WithinTolerance',
  },
  {
    name: 'saturation: a second step on the same reading while the new tasks are young (8 to 16)',
    current: 8,
    signals: [cpu([...many(4, () => old(1)), ...many(4, () => young())])],
    history: { events: [{ atMs: NOW - 15_000, change: 4 }] },
    expected: 16, // the ratio rule, damped by the young tasks, holds at 8
    reason: 'Saturated',
  },
  {
    name: 'saturation: no third step while replicas are more than one rate step above the trusted tasks (the stale-reading guard)',
    current: 16,
    signals: [cpu([...many(4, () => old(1)), ...many(4, () => young(1)), ...many(8, () => young())])],
    history: { events: [{ atMs: NOW - 15_000, change: 8 }] },
    expected: 16, // 32 without the guard
    reason: 'WithinTolerance',
  },
  {
    name: 'saturation: bounded by the rate policy of the period (a +4 step 5 s ago leaves nothing)',
    current: 8,
    signals: [cpu(many(8, () => old(1)))],
    history: { events: [{ atMs: NOW - 5_000, change: 4 }] },
    expected: 8,
    reason: 'Saturated',
  },
  { name: 'saturation: bounded by the maximum', spec: { maxReplicas: 6 }, current: 4, signals: [cpu(many(4, () => old(1)))], expected: 6, reason: 'AtMax' },
  // Regression: saturation was switched off whenever a request-rate signal had samples, as if
  // the request rate showed demand in full. A task at its limit answers at most its capacity
  // (100 requests per second here, the load of a whole core at a target of 70 for 0.7), so its
  // request rate stops where its CPU does and asks only for the ratio's ceil(4 x 100 / 70) = 6.
  {
    name: 'regression (saturation switched off by a request-rate signal): saturated CPU with requests capped at capacity still goes up by the rate maximum, 4 to 8',
    current: 4,
    signals: [cpu(many(4, () => old(1))), requests(many(4, () => old(100)))],
    expected: 8, // 6, ScaleUp, by the requests' ratio with the bug
    reason: 'Saturated',
    signal: 'cpu',
  },
  {
    name: 'regression (saturation switched off by a request-rate signal): the same with up 200 %/15 s, 4 to 12',
    spec: { scaleUp: { stabilizationWindowMs: 0, policies: [{ type: 'percent', value: 200, periodMs: 15_000 }] } },
    current: 4,
    signals: [cpu(many(4, () => old(1))), requests(many(4, () => old(100)))],
    expected: 12, // 6 with the bug
    reason: 'Saturated',
    signal: 'cpu',
  },
  {
    name: 'saturation beside requests: a request rate asking for more than the rate maximum still wins (requests ask for 12)',
    current: 4,
    signals: [cpu(many(4, () => old(1))), requests(many(4, () => old(210)))],
    expected: 8,
    reason: 'RateLimitedUp',
    signal: 'requests',
  },
  // Two signals, combined as the HPA does.
  {
    name: 'two signals: the larger proposal wins (requests ask for 12, CPU for 5)',
    current: 4,
    signals: [cpu(many(4, () => old(0.8))), requests(many(4, () => old(210)))],
    expected: 8,
    reason: 'RateLimitedUp',
    signal: 'requests',
  },
  {
    name: 'two signals: no scale-down while one is within tolerance',
    current: 8,
    signals: [cpu(many(8, () => old(0.2))), requests(many(8, () => old(70)))],
    expected: 8,
    reason: 'WithinTolerance',
    signal: 'requests',
  },
  {
    name: 'two signals: scale-down when both agree, to the larger of the two',
    current: 8,
    signals: [cpu(many(8, () => old(0.2))), requests(many(8, () => old(35)))],
    expected: 4,
    reason: 'ScaleDown',
    signal: 'requests',
  },
  {
    name: 'two signals: no scale-down while one has no samples',
    current: 8,
    signals: [cpu(many(8, () => old(0.2))), requests(many(8, () => old(undefined)))],
    expected: 8, // 3 on CPU alone
    reason: 'NoMetrics',
  },
  {
    name: 'two signals: up on one even when the other has no samples',
    current: 4,
    signals: [cpu(many(4, () => old(undefined))), requests(many(4, () => old(105)))],
    expected: 6,
    reason: 'ScaleUp',
    signal: 'requests',
  },
  // Settling: after a rate-limited or saturated step the count was not the metric's choice.
  {
    name: 'settling: an upward ratio inside the tolerance still moves once every task is trusted (16 at 0.75 to 18)',
    current: 16,
    signals: [cpu(many(16, () => old(0.75)))],
    history: { settling: true },
    expected: 18, // 16 within tolerance otherwise
    reason: 'ScaleUp',
  },
  { name: 'settling: no effect downward', current: 16, signals: [cpu(many(16, () => old(0.65)))], history: { settling: true }, expected: 16, reason: 'WithinTolerance' },
  { name: 'settled: the dead band holds', current: 16, signals: [cpu(many(16, () => old(0.75)))], expected: 16, reason: 'WithinTolerance' },
];

describe('autoscaler decision rules beyond the ratio', () => {
  for (const c of cases) {
    it(c.name, () => {
      const decision = decide({ spec: { ...SPEC, ...c.spec }, currentReplicas: c.current, signals: c.signals, history: { ...SEEN, ...c.history }, nowMs: NOW });
      const actual = { replicas: decision.desiredReplicas, reason: decision.reason, ...(c.signal && { signal: decision.signal }) };
      expect(actual, decision.message).to.deep.equal({ replicas: c.expected, reason: c.reason, ...(c.signal && { signal: c.signal }) });
    });
  }

  it('reports each signal\'s average and names the others in the message', () => {
    const decision = decide({ spec: SPEC, currentReplicas: 4, signals: [cpu(many(4, () => old(0.8))), requests(many(4, () => old(210)))], history: SEEN, nowMs: NOW });
    expect(decision.metricValues).to.deep.equal({ cpu: 0.8, requests: 210 });
    expect(decision.message).to.match(/^requests: .*; cpu asks for 5/);
  });

  it('marks the history settling after a saturated or rate-limited step, and settled once every task is trusted', () => {
    const saturated = decide({ spec: SPEC, currentReplicas: 4, signals: [cpu(many(4, () => old(1)))], history: SEEN, nowMs: NOW });
    expect(saturated.history.settling).to.equal(true);
    const stillYoung = decide({ spec: SPEC, currentReplicas: 8, signals: [cpu([...many(4, () => old(0.7)), ...many(4, () => young(0.7))])], history: saturated.history, nowMs: NOW + 15_000 });
    expect(stillYoung.history.settling).to.equal(true);
    const trusted = decide({ spec: SPEC, currentReplicas: 8, signals: [cpu(many(8, () => old(0.7)))], history: stillYoung.history, nowMs: NOW + 30_000 });
    expect(trusted.history.settling).to.equal(false);
  });
});

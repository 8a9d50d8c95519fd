import { expect } from 'chai';
import {
  decide,
  DEFAULT_BEHAVIOR,
  EMPTY_HISTORY,
  type DecisionReason,
  type ScalingHistory,
  type ScalingSpec,
  type Signal,
  type TaskSample,
} from '../../scripts/autoscaler/decision';

const NOW = 1_000_000_000;
const SPEC: ScalingSpec = { minReplicas: 1, maxReplicas: 20, tolerance: 0.1, initializationPeriodMs: 30_000, ...DEFAULT_BEHAVIOR };
const TARGET = 0.7;
/** CPU without a limit: the ratio rule alone, as before the saturation rule. */
const cpu = (tasks: TaskSample[], target = TARGET): Signal[] => [{ name: 'cpu', target, tasks }];
const old = (value?: number): TaskSample => ({ startedAtMs: NOW - 3_600_000, value });
const young = (value?: number): TaskSample => ({ startedAtMs: NOW - 10_000, value });
const many = (n: number, make: () => TaskSample) => Array.from({ length: n }, make);

interface Case {
  name: string;
  spec?: Partial<ScalingSpec>;
  target?: number;
  current: number;
  tasks: TaskSample[];
  history?: ScalingHistory;
  now?: number;
  expected: number;
  reason: DecisionReason;
}

const cases: Case[] = [
  { name: 'step up: twice the target on 4 tasks asks for 8', current: 4, tasks: many(4, () => old(1.4)), expected: 8, reason: 'ScaleUp' },
  { name: 'rate limit up: 4x the target is held to max(+100 %, +4) = 8', current: 4, tasks: many(4, () => old(2.8)), expected: 8, reason: 'RateLimitedUp' },
  { name: 'rate limit up: +4 wins over +100 % on small counts', current: 1, tasks: [old(7)], expected: 5, reason: 'RateLimitedUp' },
  {
    name: 'rate limit up: an increase earlier in the same 15 s period counts',
    current: 8,
    tasks: many(8, () => old(2.8)),
    history: { recommendations: [], events: [{ atMs: NOW - 5_000, change: 4 }] },
    expected: 8,
    reason: 'RateLimitedUp',
  },
  {
    name: 'rate limit up: an increase of an earlier period does not count',
    current: 8,
    tasks: many(8, () => old(1.4)),
    history: { recommendations: [], events: [{ atMs: NOW - 16_000, change: 4 }] },
    expected: 16,
    reason: 'ScaleUp',
  },
  {
    name: 'step down is held by the highest recommendation of the last 300 s',
    current: 8,
    tasks: many(8, () => old(0.35)),
    history: { recommendations: [{ atMs: NOW - 100_000, replicas: 8 }], events: [] },
    expected: 8,
    reason: 'StabilizedDown',
  },
  {
    name: 'step down goes through once the window has passed',
    current: 8,
    tasks: many(8, () => old(0.35)),
    history: { recommendations: [{ atMs: NOW - 301_000, replicas: 8 }], events: [] },
    expected: 4,
    reason: 'ScaleDown',
  },
  {
    name: 'step down stops at the highest recent recommendation in between',
    current: 8,
    tasks: many(8, () => old(0.35)),
    history: { recommendations: [{ atMs: NOW - 200_000, replicas: 6 }, { atMs: NOW - 400_000, replicas: 8 }], events: [] },
    expected: 6,
    reason: 'StabilizedDown',
  },
  {
    name: 'rate limit down: a 50 %-per-15 s policy halves at most',
    spec: { scaleDown: { stabilizationWindowMs: 0, policies: [{ type: 'percent', value: 50, periodMs: 15_000 }] } },
    current: 10,
    tasks: many(10, () => old(0.07)),
    expected: 5,
    reason: 'RateLimitedDown',
  },
  { name: 'min clamp', spec: { minReplicas: 2 }, current: 3, tasks: many(3, () => old(0.07)), expected: 2, reason: 'AtMin' },
  { name: 'max clamp', spec: { maxReplicas: 12 }, current: 10, tasks: many(10, () => old(1.4)), expected: 12, reason: 'AtMax' },
  { name: 'a count set by hand below min is brought back', spec: { minReplicas: 2 }, current: 0, tasks: [], expected: 2, reason: 'OutOfRange' },
  { name: 'a count set by hand above max is brought back', current: 25, tasks: many(25, () => old(0.7)), expected: 20, reason: 'OutOfRange' },
  { name: 'no samples at all: no change', current: 4, tasks: many(4, () => old(undefined)), expected: 4, reason: 'NoMetrics' },
  { name: 'no running tasks: no change', current: 4, tasks: [], expected: 4, reason: 'NoMetrics' },
  { name: 'only young tasks: no change', current: 2, tasks: many(2, () => young(3)), expected: 2, reason: 'NoMetrics' },
  {
    name: 'young tasks count as 0 on the way up: 2 hot + 2 young average to the target',
    current: 4,
    tasks: [old(1.4), old(1.4), young(5), young(5)],
    expected: 4,
    reason: 'WithinTolerance',
  },
  {
    name: 'young tasks count as 0 on the way up: still up when the hot ones are hot enough',
    current: 4,
    tasks: [old(2.1), old(2.1), young(), young()],
    expected: 6,
    reason: 'ScaleUp',
  },
  {
    name: 'missing samples count as 100 % on the way down',
    current: 4,
    tasks: [old(0.07), old(0.07), old(0.07), old(undefined)],
    expected: 2, // 1 if the missing task were ignored
    reason: 'ScaleDown',
  },
  {
    name: 'unknown tasks that flip the direction mean no change',
    current: 4,
    tasks: [old(0.8), old(0.8), young(), young()],
    expected: 4,
    reason: 'WithinTolerance',
  },
  { name: 'tolerance edge: ratio 1.09 is within', target: 1, current: 10, tasks: many(10, () => old(1.09)), expected: 10, reason: 'WithinTolerance' },
  { name: 'tolerance edge: ratio 1.12 scales up', target: 1, current: 10, tasks: many(10, () => old(1.12)), expected: 12, reason: 'ScaleUp' },
  { name: 'tolerance edge: ratio 0.91 is within', target: 1, current: 10, tasks: many(10, () => old(0.91)), expected: 10, reason: 'WithinTolerance' },
  { name: 'tolerance edge: ratio 0.88 scales down', target: 1, current: 10, tasks: many(10, () => old(0.88)), expected: 9, reason: 'ScaleDown' },
  {
    name: 'running tasks count, not the replicas asked for: 3 of 4 running at 2x ask for 6',
    current: 4,
    tasks: many(3, () => old(1.4)),
    expected: 6,
    reason: 'ScaleUp',
  },
];

describe('autoscaler decision', () => {
  for (const c of cases) {
    it(c.name, () => {
      const decision = decide({
        spec: { ...SPEC, ...c.spec },
        currentReplicas: c.current,
        signals: cpu(c.tasks, c.target),
        history: { observedSinceMs: NOW - 3_600_000, ...(c.history ?? EMPTY_HISTORY) },
        nowMs: c.now ?? NOW,
      });
      expect({ replicas: decision.desiredReplicas, reason: decision.reason }, decision.message).to.deep.equal({ replicas: c.expected, reason: c.reason });
      expect(decision.message).to.be.a('string').with.length.greaterThan(10);
    });
  }

  it('records the raw recommendation and the scale event in the returned history', () => {
    const decision = decide({ spec: SPEC, currentReplicas: 4, signals: cpu(many(4, () => old(2.8))), history: EMPTY_HISTORY, nowMs: NOW });
    expect(decision.recommendedReplicas).to.equal(16);
    expect(decision.history).to.deep.equal({ recommendations: [{ atMs: NOW, replicas: 16 }], events: [{ atMs: NOW, change: 4 }], observedSinceMs: NOW, settling: true });
  });

  it('does not scale down before a whole scale-down window of the service has been observed (fresh start)', () => {
    const low = many(8, () => old(0.07));
    const first = decide({ spec: SPEC, currentReplicas: 8, signals: cpu(low), history: EMPTY_HISTORY, nowMs: NOW });
    expect([first.desiredReplicas, first.reason]).to.deep.equal([8, 'StabilizedDown']);
    expect(first.message).to.match(/until 300s of this service have been observed/);
    const later = decide({ spec: SPEC, currentReplicas: 8, signals: cpu(low), history: { ...first.history, recommendations: [] }, nowMs: NOW + 300_000 });
    expect(later.desiredReplicas).to.equal(1);
  });

  it('scales up at once on a fresh start', () => {
    expect(decide({ spec: SPEC, currentReplicas: 4, signals: cpu(many(4, () => old(1.4))), history: EMPTY_HISTORY, nowMs: NOW }).desiredReplicas).to.equal(8);
  });

  it('forgets history older than every window and period', () => {
    const history: ScalingHistory = {
      recommendations: [{ atMs: NOW - 301_000, replicas: 9 }],
      events: [{ atMs: NOW - 16_000, change: 2 }],
    };
    const decision = decide({ spec: SPEC, currentReplicas: 4, signals: cpu(many(4, () => old(0.7))), history, nowMs: NOW });
    expect(decision.history).to.deep.equal({ recommendations: [{ atMs: NOW, replicas: 4 }], events: [], observedSinceMs: NOW, settling: false });
  });

  it('does not record a recommendation when there were no metrics (never scale down on what it cannot see)', () => {
    const history: ScalingHistory = { recommendations: [{ atMs: NOW - 10_000, replicas: 6 }], events: [] };
    const decision = decide({ spec: SPEC, currentReplicas: 6, signals: cpu(many(6, () => old(undefined))), history, nowMs: NOW });
    expect(decision.history.recommendations).to.deep.equal(history.recommendations);
  });

  // Saturation must not defeat the plateau rule: the same walk, CPU against a limit, either way.
  for (const saturationThreshold of [undefined, 0.9]) {
    it(`makes no direction change on a noisy plateau of plus or minus 15 % for 30 minutes (saturation at ${saturationThreshold ?? 'none'})`, () => {
      // A deterministic pseudo-random walk: a fixed seed so the case is the same on every run.
      let seed = 42;
      const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.3 - 0.15;
      let replicas = 10;
      let history = EMPTY_HISTORY;
      const moves: number[] = [];
      for (let t = 0; t <= 30 * 60_000; t += 15_000) {
        const totalLoad = TARGET * 10 * (1 + noise());
        const tasks = Array.from({ length: replicas }, () => ({ startedAtMs: -3_600_000, value: totalLoad / replicas }));
        const decision = decide({ spec: SPEC, currentReplicas: replicas, signals: [{ name: 'cpu', target: TARGET, tasks, saturationThreshold }], history, nowMs: t });
        if (decision.desiredReplicas !== replicas) moves.push(Math.sign(decision.desiredReplicas - replicas));
        replicas = decision.desiredReplicas;
        history = decision.history;
      }
      const directionChanges = moves.filter((m, i) => i > 0 && m !== moves[i - 1]).length;
      expect(directionChanges).to.equal(0);
      expect(replicas).to.be.within(10, 12);
    });
  }
});

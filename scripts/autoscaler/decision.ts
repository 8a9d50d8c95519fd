// The autoscaler's decision: a pure function of (service state, samples, history, now), after
// the documented behaviour of Kubernetes' HPA: compute -> tolerance -> stabilize -> rate limit
// -> clamp. No I/O and no clock reads here; the loop passes `nowMs` in.

export interface RatePolicy {
  /** `percent` of the replicas at the start of the period, or a number of `tasks`. */
  type: 'percent' | 'tasks';
  value: number;
  periodMs: number;
}

export interface DirectionBehavior {
  /** Recommendations of this long ago still count: down takes their max, up their min. */
  stabilizationWindowMs: number;
  /** The most permissive policy wins, as HPA's default `selectPolicy: Max`. */
  policies: RatePolicy[];
}

export interface ScalingSpec {
  minReplicas: number;
  maxReplicas: number;
  /** Target average per running task (a fraction of the CPU limit, or a custom metric's value). */
  target: number;
  tolerance: number;
  /** Tasks younger than this are not trusted yet. */
  initializationPeriodMs: number;
  scaleUp: DirectionBehavior;
  scaleDown: DirectionBehavior;
}

export interface TaskSample {
  startedAtMs: number;
  /** The task's metric value, or undefined when Prometheus had no sample for it. */
  value?: number;
}

export interface Recommendation {
  atMs: number;
  replicas: number;
}

export interface ScaleEvent {
  atMs: number;
  /** Replicas added (positive) or removed (negative). */
  change: number;
}

export interface ScalingHistory {
  recommendations: Recommendation[];
  events: ScaleEvent[];
  /** When this service was first evaluated: until a whole scale-down window has been seen, it does not scale down. */
  observedSinceMs?: number;
}

export const EMPTY_HISTORY: ScalingHistory = Object.freeze({ recommendations: [], events: [] });

export type DecisionReason =
  | 'OutOfRange'
  | 'NoMetrics'
  | 'WithinTolerance'
  | 'ScaleUp'
  | 'ScaleDown'
  | 'StabilizedDown'
  | 'StabilizedUp'
  | 'RateLimitedUp'
  | 'RateLimitedDown'
  | 'AtMax'
  | 'AtMin'
  | 'Steady';

export interface Decision {
  desiredReplicas: number;
  /** What the metric alone asked for, before stabilization, rate limits and clamps. */
  recommendedReplicas: number;
  /** The average per task used for the decision, after filling in unknown tasks. */
  metricValue?: number;
  reason: DecisionReason;
  message: string;
  history: ScalingHistory;
}

export interface DecisionInput {
  spec: ScalingSpec;
  /** Replicas the service is set to now. */
  currentReplicas: number;
  /** One entry per running task. */
  tasks: TaskSample[];
  history: ScalingHistory;
  nowMs: number;
}

/** HPA's defaults, as the issue asks: up by max(+100 %, +4) per 15 s at once; down by 100 % per 15 s after 300 s. */
export const DEFAULT_BEHAVIOR: Pick<ScalingSpec, 'scaleUp' | 'scaleDown'> = Object.freeze({
  scaleUp: {
    stabilizationWindowMs: 0,
    policies: [
      { type: 'percent', value: 100, periodMs: 15_000 },
      { type: 'tasks', value: 4, periodMs: 15_000 },
    ],
  },
  scaleDown: { stabilizationWindowMs: 300_000, policies: [{ type: 'percent', value: 100, periodMs: 15_000 }] },
});

const FLOAT_SLACK = 1e-9;

interface Raw {
  replicas: number;
  reason: DecisionReason;
  message: string;
  metricValue?: number;
}

/**
 * What the metric asks for. Tasks still initialising or without a sample count as 0 when the
 * known tasks point up and as max(1, target) when they point down, so unknowns always damp the
 * move; if filling them in flips the direction or lands within tolerance, nothing changes.
 */
export function recommendFromMetric(spec: ScalingSpec, currentReplicas: number, tasks: TaskSample[], nowMs: number): Raw {
  const known: number[] = [];
  let unknown = 0;
  for (const task of tasks) {
    const initialised = nowMs - task.startedAtMs >= spec.initializationPeriodMs;
    if (initialised && task.value !== undefined && Number.isFinite(task.value)) known.push(task.value);
    else unknown++;
  }
  if (known.length === 0) {
    return { replicas: currentReplicas, reason: 'NoMetrics', message: `no usable samples from ${tasks.length} running task(s); keeping ${currentReplicas}` };
  }
  const knownAverage = known.reduce((sum, v) => sum + v, 0) / known.length;
  const knownRatio = knownAverage / spec.target;
  let average = knownAverage;
  if (unknown > 0 && knownRatio !== 1) {
    const fill = knownRatio > 1 ? 0 : Math.max(1, spec.target);
    average = (knownAverage * known.length + fill * unknown) / (known.length + unknown);
  }
  const ratio = average / spec.target;
  const flipped = (knownRatio > 1 && ratio < 1) || (knownRatio < 1 && ratio > 1);
  if (Math.abs(ratio - 1) <= spec.tolerance || flipped) {
    return {
      replicas: currentReplicas,
      reason: 'WithinTolerance',
      metricValue: average,
      message: `average ${fmt(average)} against target ${fmt(spec.target)} (ratio ${fmt(ratio)}) is within tolerance ${spec.tolerance}${flipped ? ' once unknown tasks are counted' : ''}`,
    };
  }
  // Less a hair before rounding up: 8 tasks averaging 0.35 against 0.7 is 4.000000000000001 in floats.
  const replicas = Math.ceil(ratio * tasks.length - FLOAT_SLACK);
  // Rounding must never move against the metric's direction.
  const safe = (ratio > 1 && replicas < currentReplicas) || (ratio < 1 && replicas > currentReplicas) ? currentReplicas : replicas;
  return {
    replicas: safe,
    reason: safe > currentReplicas ? 'ScaleUp' : safe < currentReplicas ? 'ScaleDown' : 'Steady',
    metricValue: average,
    message: `average ${fmt(average)} against target ${fmt(spec.target)} over ${tasks.length} task(s) asks for ${safe}`,
  };
}

/**
 * Bounds a move by the rate policies: the replicas at the start of each policy's period
 * (current less what recent events changed) times the policy, the most permissive one winning.
 */
export function rateLimit(behavior: DirectionBehavior, direction: 'up' | 'down', currentReplicas: number, events: ScaleEvent[], nowMs: number): number {
  const limits = behavior.policies.map((policy) => {
    const changedInPeriod = events
      .filter((e) => e.atMs > nowMs - policy.periodMs && (direction === 'up' ? e.change > 0 : e.change < 0))
      .reduce((sum, e) => sum + e.change, 0);
    const periodStart = currentReplicas - changedInPeriod;
    if (direction === 'up') {
      return policy.type === 'percent' ? Math.ceil(periodStart * (1 + policy.value / 100)) : periodStart + policy.value;
    }
    return policy.type === 'percent' ? Math.ceil(periodStart * (1 - policy.value / 100)) : periodStart - policy.value;
  });
  if (limits.length === 0) return direction === 'up' ? Infinity : -Infinity;
  return direction === 'up' ? Math.max(currentReplicas, ...limits) : Math.min(currentReplicas, ...limits);
}

/** The whole pipeline for one service at `nowMs`; returns the decision and the new history. */
export function decide({ spec, currentReplicas, tasks, history, nowMs }: DecisionInput): Decision {
  const { minReplicas: min, maxReplicas: max } = spec;
  const keepSince = nowMs - Math.max(spec.scaleUp.stabilizationWindowMs, spec.scaleDown.stabilizationWindowMs);
  const keepEventsSince = nowMs - Math.max(0, ...[...spec.scaleUp.policies, ...spec.scaleDown.policies].map((p) => p.periodMs));
  const recent = history.recommendations.filter((r) => r.atMs > keepSince);
  const observedSinceMs = history.observedSinceMs ?? nowMs;
  const events = history.events.filter((e) => e.atMs > keepEventsSince);
  const finish = (desiredReplicas: number, raw: Raw, reason: DecisionReason, message: string): Decision => ({
    desiredReplicas,
    recommendedReplicas: raw.replicas,
    metricValue: raw.metricValue,
    reason,
    message,
    history: {
      recommendations: raw.reason === 'NoMetrics' ? recent : [...recent, { atMs: nowMs, replicas: raw.replicas }],
      events: desiredReplicas === currentReplicas ? events : [...events, { atMs: nowMs, change: desiredReplicas - currentReplicas }],
      observedSinceMs,
    },
  });

  if (currentReplicas < min || currentReplicas > max) {
    const target = Math.min(max, Math.max(min, currentReplicas));
    const raw: Raw = { replicas: target, reason: 'OutOfRange', message: '' };
    return finish(target, raw, 'OutOfRange', `replicas ${currentReplicas} set outside [${min}, ${max}]; bringing back to ${target}`);
  }

  const raw = recommendFromMetric(spec, currentReplicas, tasks, nowMs);
  if (raw.reason === 'NoMetrics') return finish(currentReplicas, raw, 'NoMetrics', raw.message);

  // Stabilize: up to the lowest recommendation of the up window, down to the highest of the down window.
  let upTo = raw.replicas;
  let downTo = raw.replicas;
  for (const r of recent) {
    if (r.atMs > nowMs - spec.scaleUp.stabilizationWindowMs) upTo = Math.min(upTo, r.replicas);
    if (r.atMs > nowMs - spec.scaleDown.stabilizationWindowMs) downTo = Math.max(downTo, r.replicas);
  }
  let desired = currentReplicas;
  let reason: DecisionReason = raw.reason === 'WithinTolerance' ? 'WithinTolerance' : 'Steady';
  let message = raw.message;
  // A fresh start (or a restart) has not seen the window: what it missed may have been higher.
  const downWindowSeen = nowMs - observedSinceMs >= spec.scaleDown.stabilizationWindowMs;
  if (upTo > currentReplicas) desired = upTo;
  if (downTo < currentReplicas && downWindowSeen) desired = downTo;
  if (raw.replicas > currentReplicas && desired < raw.replicas) {
    reason = 'StabilizedUp';
    message = `${raw.message}; held at ${desired} by the ${spec.scaleUp.stabilizationWindowMs / 1000}s scale-up window`;
  } else if (raw.replicas < currentReplicas && desired > raw.replicas) {
    reason = 'StabilizedDown';
    message = downWindowSeen
      ? `${raw.message}; held at ${desired} by the highest recommendation of the last ${spec.scaleDown.stabilizationWindowMs / 1000}s`
      : `${raw.message}; held at ${desired} until ${spec.scaleDown.stabilizationWindowMs / 1000}s of this service have been observed`;
  }

  if (desired > currentReplicas) {
    const limit = rateLimit(spec.scaleUp, 'up', currentReplicas, events, nowMs);
    if (desired > limit) {
      desired = limit;
      reason = 'RateLimitedUp';
      message = `${raw.message}; limited to ${limit} by the scale-up rate policies`;
    } else if (reason === 'Steady') {
      reason = 'ScaleUp';
    }
  } else if (desired < currentReplicas) {
    const limit = rateLimit(spec.scaleDown, 'down', currentReplicas, events, nowMs);
    if (desired < limit) {
      desired = limit;
      reason = 'RateLimitedDown';
      message = `${raw.message}; limited to ${limit} by the scale-down rate policies`;
    } else if (reason === 'Steady') {
      reason = 'ScaleDown';
    }
  }

  if (desired > max) {
    return finish(max, raw, 'AtMax', `${raw.message}; capped at the maximum of ${max}`);
  }
  if (desired < min) {
    return finish(min, raw, 'AtMin', `${raw.message}; kept at the minimum of ${min}`);
  }
  return finish(desired, raw, reason, message);
}

function fmt(value: number): string {
  return Number(value.toFixed(3)).toString();
}

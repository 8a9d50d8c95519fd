// The shapes the decision reads and returns: a service's scaling spec, its signals (one or more
// per-task metrics), the history carried between evaluations, and the decision with its reason.

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

/** One metric of the service, one sample per running task. */
export interface Signal {
  /** What it measures, for messages: `cpu`, `requests`, `query`. */
  name: string;
  /** Target average per running task (a fraction of the CPU limit, requests per second, ...). */
  target: number;
  tasks: TaskSample[];
  /**
   * Only for CPU measured against a limit: a task at or above this fraction of its limit is
   * saturated, and what it shows is only a lower bound of its demand.
   */
  saturationThreshold?: number;
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
  /**
   * Set when the last increase was chosen by a rate limit or the saturation rule rather than by
   * the metric; cleared by the first decision in which every task of every signal is trusted.
   */
  settling?: boolean;
}

export const EMPTY_HISTORY: ScalingHistory = Object.freeze({ recommendations: [], events: [] });

export type DecisionReason =
  | 'OutOfRange'
  | 'NoMetrics'
  | 'WithinTolerance'
  | 'ScaleUp'
  | 'ScaleDown'
  | 'Saturated'
  | 'StabilizedDown'
  | 'StabilizedUp'
  | 'RateLimitedUp'
  | 'RateLimitedDown'
  | 'AtMax'
  | 'AtMin'
  | 'Steady';

/** What one signal, or the signals combined, ask for before stabilization, rate limits and clamps. */
export interface Proposal {
  replicas: number;
  reason: DecisionReason;
  message: string;
  /** The signal that made the proposal. */
  signal?: string;
  /** The average per task used, after filling in unknown tasks. */
  metricValue?: number;
}

export interface Decision {
  desiredReplicas: number;
  /** What the signals alone asked for, before stabilization, rate limits and clamps. */
  recommendedReplicas: number;
  /** The signal whose proposal won, and its average per task. */
  signal?: string;
  metricValue?: number;
  /** Every signal's average per task, by signal name, for the exported gauges. */
  metricValues: Record<string, number>;
  reason: DecisionReason;
  message: string;
  history: ScalingHistory;
}

export interface DecisionInput {
  spec: ScalingSpec;
  /** Replicas the service is set to now. */
  currentReplicas: number;
  signals: Signal[];
  history: ScalingHistory;
  nowMs: number;
}

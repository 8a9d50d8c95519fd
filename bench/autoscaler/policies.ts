// The two policies compared: ours (the autoscaler's decision function) and the fixed-threshold
// rule of the public Swarm autoscalers (+1 task above 85 % CPU, -1 below 25 %, once a minute,
// over a 5-minute average).
import { decide, DEFAULT_BEHAVIOR, EMPTY_HISTORY, type ScalingSpec } from '../../scripts/autoscaler/decision';
import type { Policy } from './simulation';

export const MIN_REPLICAS = 2;
export const MAX_REPLICAS = 40;
export const TARGET = 0.7;

export const SPEC: ScalingSpec = {
  minReplicas: MIN_REPLICAS,
  maxReplicas: MAX_REPLICAS,
  target: TARGET,
  tolerance: 0.1,
  initializationPeriodMs: 30_000,
  ...DEFAULT_BEHAVIOR,
};

export function hpaPolicy(spec: ScalingSpec = SPEC): Policy {
  let history = EMPTY_HISTORY;
  return ({ nowMs, currentReplicas, tasks }) => {
    const decision = decide({ spec, currentReplicas, tasks, history, nowMs });
    history = decision.history;
    return decision.desiredReplicas;
  };
}

export function thresholdPolicy(): Policy {
  let lastActionMs = -Infinity;
  return ({ nowMs, currentReplicas, averageUtilisation }) => {
    if (nowMs - lastActionMs < 60_000) return currentReplicas;
    lastActionMs = nowMs;
    const average = averageUtilisation(300_000);
    if (average === undefined) return currentReplicas;
    if (average > 0.85) return Math.min(MAX_REPLICAS, currentReplicas + 1);
    if (average < 0.25) return Math.max(MIN_REPLICAS, currentReplicas - 1);
    return currentReplicas;
  };
}

// The policies compared. Five run the autoscaler's decision function: "HPA-equivalent" is the
// algorithm before the saturation rule (CPU by the ratio rule alone, as Kubernetes' HPA), then
// the autoscaler on CPU with the saturation rule, and on CPU plus the request-rate signal, each
// with HPA's default scale-up policy and with 200 %/15 s (the default of stack/app.yml), so that
// what the policy gains shows apart from what the signal gains. The last is the fixed-threshold
// rule of the public Swarm autoscalers, jcwimer's style (+1 task above 85 % CPU, -1 below 25 %,
// once a minute, over a 5-minute average).
import { decide, DEFAULT_BEHAVIOR, EMPTY_HISTORY, type ScalingSpec, type Signal } from '../../scripts/autoscaler/decision';
import { DEFAULT_CPU_SATURATION, DEFAULT_CPU_TARGET, parseRatePolicies } from '../../scripts/autoscaler/labels';
import { REQUESTS_PER_CORE, type Observation, type Policy } from './simulation';

export const MIN_REPLICAS = 2;
export const MAX_REPLICAS = 40;
/** CPU target (the label's default), a fraction of the 1-core limit; the request-rate target is the same load in requests. */
export const TARGET = DEFAULT_CPU_TARGET;
export const REQUESTS_TARGET = TARGET * REQUESTS_PER_CORE;
/** The default of the `autoscaler.cpu.saturation` label. */
export const SATURATION = DEFAULT_CPU_SATURATION;

export const SPEC: ScalingSpec = {
  minReplicas: MIN_REPLICAS,
  maxReplicas: MAX_REPLICAS,
  tolerance: 0.1,
  initializationPeriodMs: 30_000,
  ...DEFAULT_BEHAVIOR,
};

/** `autoscaler.scale-up.policies=200%/15s,4/15s`, stack/app.yml's default: up to 3x in one period. */
export const FAST_SCALE_UP: ScalingSpec['scaleUp'] = {
  stabilizationWindowMs: 0,
  policies: parseRatePolicies('200%/15s,4/15s')!,
};

type SignalsOf = (observation: Observation) => Signal[];

function decisionPolicy(signalsOf: SignalsOf, spec: ScalingSpec): Policy {
  let history = EMPTY_HISTORY;
  return (observation) => {
    const decision = decide({ spec, currentReplicas: observation.currentReplicas, signals: signalsOf(observation), history, nowMs: observation.nowMs });
    history = decision.history;
    return decision.desiredReplicas;
  };
}

export const hpaEquivalentPolicy = (spec = SPEC): Policy => decisionPolicy(({ cpu }) => [{ name: 'cpu', target: TARGET, tasks: cpu }], spec);

export const cpuPolicy = (spec = SPEC): Policy => decisionPolicy(({ cpu }) => [{ name: 'cpu', target: TARGET, tasks: cpu, saturationThreshold: SATURATION }], spec);

export const cpuAndRequestsPolicy = (spec = SPEC): Policy =>
  decisionPolicy(
    ({ cpu, requests }) => [
      { name: 'cpu', target: TARGET, tasks: cpu, saturationThreshold: SATURATION },
      { name: 'requests', target: REQUESTS_TARGET, tasks: requests },
    ],
    spec,
  );

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

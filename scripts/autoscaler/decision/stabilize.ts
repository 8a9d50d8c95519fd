// Stabilization windows, as HPA's: up only to the lowest recommendation of the scale-up window,
// down only to the highest of the scale-down window, so a short dip or spike moves nothing.
import type { DecisionReason, Proposal, Recommendation, ScalingSpec } from './types';

export interface Step {
  desired: number;
  reason: DecisionReason;
  message: string;
}

export function stabilize(spec: ScalingSpec, raw: Proposal, currentReplicas: number, recent: Recommendation[], observedSinceMs: number, nowMs: number): Step {
  let upTo = raw.replicas;
  let downTo = raw.replicas;
  for (const r of recent) {
    if (r.atMs > nowMs - spec.scaleUp.stabilizationWindowMs) upTo = Math.min(upTo, r.replicas);
    if (r.atMs > nowMs - spec.scaleDown.stabilizationWindowMs) downTo = Math.max(downTo, r.replicas);
  }
  // A fresh start (or a restart) has not seen the window: what it missed may have been higher.
  const downWindowSeen = nowMs - observedSinceMs >= spec.scaleDown.stabilizationWindowMs;
  let desired = currentReplicas;
  if (upTo > currentReplicas) desired = upTo;
  if (downTo < currentReplicas && downWindowSeen) desired = downTo;
  if (raw.replicas > currentReplicas && desired < raw.replicas) {
    return { desired, reason: 'StabilizedUp', message: `${raw.message}; held at ${desired} by the ${spec.scaleUp.stabilizationWindowMs / 1000}s scale-up window` };
  }
  if (raw.replicas < currentReplicas && desired > raw.replicas) {
    const why = downWindowSeen
      ? `by the highest recommendation of the last ${spec.scaleDown.stabilizationWindowMs / 1000}s`
      : `until ${spec.scaleDown.stabilizationWindowMs / 1000}s of this service have been observed`;
    return { desired, reason: 'StabilizedDown', message: `${raw.message}; held at ${desired} ${why}` };
  }
  // Reasons that say more than the direction survive the later steps.
  const kept = raw.reason === 'WithinTolerance' || raw.reason === 'Saturated';
  return { desired, reason: kept ? raw.reason : 'Steady', message: raw.message };
}

// The HPA's ratio rule for one signal: desired = ceil(tasks x average / target), with a
// tolerance dead band, and tasks it cannot trust yet filled in so that they damp the move.
import type { Proposal, ScalingSpec, Signal, TaskSample } from './types';

const FLOAT_SLACK = 1e-9;

export interface TrustedSamples {
  /** Values of the tasks past their initialization period with a finite sample. */
  values: number[];
  /** Tasks still initialising or without a sample. */
  unknown: number;
}

export function trustedSamples(spec: ScalingSpec, tasks: TaskSample[], nowMs: number): TrustedSamples {
  const values: number[] = [];
  for (const task of tasks) {
    const initialised = nowMs - task.startedAtMs >= spec.initializationPeriodMs;
    if (initialised && task.value !== undefined && Number.isFinite(task.value)) values.push(task.value);
  }
  return { values, unknown: tasks.length - values.length };
}

export const average = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

export function fmt(value: number): string {
  return Number(value.toFixed(3)).toString();
}

/**
 * What the signal asks for. Tasks still initialising or without a sample count as 0 when the
 * known tasks point up and as max(1, target) when they point down, so unknowns always damp the
 * move; if filling them in flips the direction or lands within tolerance, nothing changes.
 * `settling`: the replicas were chosen by a rate limit or saturation, not by this ratio, so an
 * upward ratio inside the tolerance still counts (the dead band is for noise around a count the
 * metric chose; without this a step would stop short of the need for good).
 */
export function proposeByRatio(spec: ScalingSpec, currentReplicas: number, signal: Signal, nowMs: number, settling = false): Proposal {
  const { tasks, target, name } = signal;
  const { values: known, unknown } = trustedSamples(spec, tasks, nowMs);
  if (known.length === 0) {
    return { replicas: currentReplicas, reason: 'NoMetrics', signal: name, message: `${name}: no usable samples from ${tasks.length} running task(s); keeping ${currentReplicas}` };
  }
  const knownAverage = average(known);
  const knownRatio = knownAverage / target;
  let filled = knownAverage;
  if (unknown > 0 && knownRatio !== 1) {
    const fill = knownRatio > 1 ? 0 : Math.max(1, target);
    filled = (knownAverage * known.length + fill * unknown) / (known.length + unknown);
  }
  const ratio = filled / target;
  const flipped = (knownRatio > 1 && ratio < 1) || (knownRatio < 1 && ratio > 1);
  const deadBand = !(settling && ratio > 1);
  if ((deadBand && Math.abs(ratio - 1) <= spec.tolerance) || flipped) {
    return {
      replicas: currentReplicas,
      reason: 'WithinTolerance',
      signal: name,
      metricValue: filled,
      message: `${name}: average ${fmt(filled)} against target ${fmt(target)} (ratio ${fmt(ratio)}) is within tolerance ${spec.tolerance}${flipped ? ' once unknown tasks are counted' : ''}`,
    };
  }
  // Less a hair before rounding up: 8 tasks averaging 0.35 against 0.7 is 4.000000000000001 in floats.
  const replicas = Math.ceil(ratio * tasks.length - FLOAT_SLACK);
  // Rounding must never move against the metric's direction.
  const safe = (ratio > 1 && replicas < currentReplicas) || (ratio < 1 && replicas > currentReplicas) ? currentReplicas : replicas;
  return {
    replicas: safe,
    reason: safe > currentReplicas ? 'ScaleUp' : safe < currentReplicas ? 'ScaleDown' : 'Steady',
    signal: name,
    metricValue: filled,
    message: `${name}: average ${fmt(filled)} against target ${fmt(target)} over ${tasks.length} task(s) asks for ${safe}${deadBand ? '' : ' (settling after a rate-limited or saturated step: no dead band upward)'}`,
  };
}

// The targets, each with what was measured and whether it is met.
import type { TraceScore } from './simulation';

export type PolicyName = 'hpaEquivalent' | 'cpu' | 'cpuFast' | 'cpuAndRequests' | 'cpuAndRequestsFast' | 'baseline';

export interface TraceResult {
  trace: string;
  chart: string;
  scores: Record<PolicyName, TraceScore>;
}

const OURS = ['cpu', 'cpuFast', 'cpuAndRequests', 'cpuAndRequestsFast'] as const;
type Ours = (typeof OURS)[number];

export function checkTargets(results: TraceResult[]) {
  const byName = (prefix: string) => results.find((r) => r.trace.startsWith(prefix))?.scores;
  const step = byName('step');
  const plateau = byName('noisy plateau');
  const spike = byName('spike');
  const within = (seconds: number | null | undefined, limit: number) => ({ measured: seconds ?? null, met: seconds != null && seconds <= limit });
  // Extra task-seconds over the HPA-equivalent's, what reacting to a 30 s spike costs.
  const spikeExtra = (name: Ours) => (spike ? spike[name].overProvisionedTaskSeconds - spike.hpaEquivalent.overProvisionedTaskSeconds : null);
  const underNoWorse = (name: Ours) =>
    results.map((r) => `${r.trace.split(':')[0]}: ${r.scores[name].underProvisionedTaskSeconds} vs ${r.scores.hpaEquivalent.underProvisionedTaskSeconds}`);
  return {
    stepAdequateWithin45sCpu: within(step?.cpu.timeToAdequateCapacityS, 45),
    // HPA's default scale-up policy at most doubles 4 tasks in the first period, too few for 3x.
    stepAdequateWithin30sCpuAndRequests: within(step?.cpuAndRequests.timeToAdequateCapacityS, 30),
    stepAdequateWithin30sCpuAndRequestsUp200Percent: within(step?.cpuAndRequestsFast.timeToAdequateCapacityS, 30),
    // Not a target: the same policy without the signal, to tell the policy's gain from the signal's.
    stepAdequateWithin30sCpuUp200Percent: within(step?.cpuFast.timeToAdequateCapacityS, 30),
    plateauNoDirectionChange: {
      measured: Object.fromEntries(OURS.map((name) => [name, plateau?.[name].directionChanges ?? null])),
      met: OURS.every((name) => plateau?.[name].directionChanges === 0),
    },
    spikeExtraTaskSecondsOverHpaEquivalent: { measured: Object.fromEntries(OURS.map((name) => [name, spikeExtra(name)])), met: null },
    ...Object.fromEntries(
      OURS.map((name) => [
        `underProvisionedNoWorseThanHpaEquivalent_${name}`,
        { measured: underNoWorse(name), met: results.every((r) => r.scores[name].underProvisionedTaskSeconds <= r.scores.hpaEquivalent.underProvisionedTaskSeconds) },
      ]),
    ),
    lessUnderProvisionedThanBaselineOnEveryTrace: ((measured) => ({ measured, met: measured.every(Boolean) }))(
      results.map((r) => OURS.every((name) => r.scores[name].underProvisionedTaskSeconds <= r.scores.baseline.underProvisionedTaskSeconds)),
    ),
  };
}

// The saturation rule. A task cannot use more CPU than its limit, so at the limit its usage is
// only a lower bound of its demand and the ratio rule grows by at most limit/target per
// evaluation (1/0.7 = 1.43x). Saturated tasks get the scale-up rate policies' maximum instead.
import { rateLimit, oneStepUp } from './rate-limit';
import { average, fmt, trustedSamples } from './ratio';
import type { Proposal, ScaleEvent, ScalingSpec, Signal } from './types';

/**
 * Undefined when the rule does not apply: no threshold (not CPU against a limit), no trusted
 * sample, an average below the threshold or not beyond tolerance above the target, or replicas
 * already more than one rate step above the trusted tasks. That last guard is because metrics
 * are late: saturated tasks vouch for one step beyond themselves, and further steps on the same
 * stale reading would overshoot; the ratio rule goes on until the new tasks are trusted.
 */
export function proposeForSaturation(spec: ScalingSpec, currentReplicas: number, signal: Signal, events: ScaleEvent[], nowMs: number): Proposal | undefined {
  const threshold = signal.saturationThreshold;
  if (threshold === undefined) return undefined;
  const { values } = trustedSamples(spec, signal.tasks, nowMs);
  if (values.length === 0) return undefined;
  const usage = average(values);
  if (usage < threshold || usage / signal.target <= 1 + spec.tolerance) return undefined;
  if (currentReplicas > oneStepUp(spec.scaleUp, values.length)) return undefined;
  const replicas = rateLimit(spec.scaleUp, 'up', currentReplicas, events, nowMs);
  return {
    replicas,
    reason: 'Saturated',
    signal: signal.name,
    metricValue: usage,
    message: `${signal.name}: ${values.length} trusted task(s) at ${fmt(usage)} of their limit (saturated at ${fmt(threshold)}): demand is beyond what they show; up to ${replicas}, the rate policies' maximum`,
  };
}

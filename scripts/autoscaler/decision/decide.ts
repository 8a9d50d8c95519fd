// The autoscaler's decision: a pure function of (service state, signals, history, now), after
// the documented behaviour of Kubernetes' HPA: propose per signal (saturation, else ratio) ->
// combine -> stabilize -> rate limit -> clamp. No I/O and no clock reads; the loop passes `nowMs`.
import { combineProposals } from './combine';
import { rateLimit } from './rate-limit';
import { proposeByRatio, trustedSamples } from './ratio';
import { proposeForSaturation } from './saturation';
import { stabilize, type Step } from './stabilize';
import type { Decision, DecisionInput, Proposal, ScalingSpec } from './types';

/** HPA's defaults: up by max(+100 %, +4) per 15 s at once; down by 100 % per 15 s after 300 s. */
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

/** The whole pipeline for one service at `nowMs`; returns the decision and the new history. */
export function decide({ spec, currentReplicas, signals, history, nowMs }: DecisionInput): Decision {
  const { minReplicas: min, maxReplicas: max } = spec;
  const keepSince = nowMs - Math.max(spec.scaleUp.stabilizationWindowMs, spec.scaleDown.stabilizationWindowMs);
  const keepEventsSince = nowMs - Math.max(0, ...[...spec.scaleUp.policies, ...spec.scaleDown.policies].map((p) => p.periodMs));
  const recent = history.recommendations.filter((r) => r.atMs > keepSince);
  const observedSinceMs = history.observedSinceMs ?? nowMs;
  const events = history.events.filter((e) => e.atMs > keepEventsSince);

  const settling = history.settling ?? false;
  const trusted = signals.map((signal) => trustedSamples(spec, signal.tasks, nowMs));
  // Each signal proposes on its own; combining them is combine.ts's job. Saturation is not
  // switched off by another signal: a task at its CPU limit answers at most its capacity, so its
  // request rate stops there too and sees no more of the demand than its CPU does.
  const proposals = signals.map((signal) => proposeForSaturation(spec, currentReplicas, signal, events, nowMs) ?? proposeByRatio(spec, currentReplicas, signal, nowMs, settling));
  const allTrusted = trusted.every((t) => t.unknown === 0);
  const metricValues: Record<string, number> = {};
  for (const p of proposals) if (p.signal !== undefined && p.metricValue !== undefined) metricValues[p.signal] = p.metricValue;

  const finish = (desiredReplicas: number, raw: Proposal, { reason, message }: Omit<Step, 'desired'>): Decision => ({
    desiredReplicas,
    recommendedReplicas: raw.replicas,
    signal: raw.signal,
    metricValue: raw.metricValue,
    metricValues,
    reason,
    message,
    history: {
      // Nothing seen, nothing recorded: a later scale-down must not rest on a guess.
      recommendations: raw.reason === 'NoMetrics' ? recent : [...recent, { atMs: nowMs, replicas: raw.replicas }],
      events: desiredReplicas === currentReplicas ? events : [...events, { atMs: nowMs, change: desiredReplicas - currentReplicas }],
      observedSinceMs,
      settling: desiredReplicas > currentReplicas ? reason === 'RateLimitedUp' || reason === 'Saturated' : settling && !allTrusted,
    },
  });

  if (currentReplicas < min || currentReplicas > max) {
    const target = Math.min(max, Math.max(min, currentReplicas));
    const raw: Proposal = { replicas: target, reason: 'OutOfRange', message: '' };
    return finish(target, raw, { reason: 'OutOfRange', message: `replicas ${currentReplicas} set outside [${min}, ${max}]; bringing back to ${target}` });
  }

  const raw = combineProposals(currentReplicas, proposals);
  if (raw.reason === 'NoMetrics') return finish(currentReplicas, raw, raw);

  let { desired, reason, message } = stabilize(spec, raw, currentReplicas, recent, observedSinceMs, nowMs);
  if (desired !== currentReplicas) {
    const direction = desired > currentReplicas ? 'up' : 'down';
    const limit = rateLimit(direction === 'up' ? spec.scaleUp : spec.scaleDown, direction, currentReplicas, events, nowMs);
    if (direction === 'up' ? desired > limit : desired < limit) {
      desired = limit;
      reason = direction === 'up' ? 'RateLimitedUp' : 'RateLimitedDown';
      message = `${raw.message}; limited to ${limit} by the scale-${direction} rate policies`;
    } else if (reason === 'Steady') {
      reason = direction === 'up' ? 'ScaleUp' : 'ScaleDown';
    }
  }

  if (desired > max) return finish(max, raw, { reason: 'AtMax', message: `${raw.message}; capped at the maximum of ${max}` });
  if (desired < min) return finish(min, raw, { reason: 'AtMin', message: `${raw.message}; kept at the minimum of ${min}` });
  return finish(desired, raw, { reason, message });
}

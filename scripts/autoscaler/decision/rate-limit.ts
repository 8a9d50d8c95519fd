// Rate policies, as HPA's `behavior.scaleUp/scaleDown.policies`: the most permissive one wins.
import type { DirectionBehavior, RatePolicy, ScaleEvent } from './types';

function step(policy: RatePolicy, direction: 'up' | 'down', from: number): number {
  const sign = direction === 'up' ? 1 : -1;
  return policy.type === 'percent' ? Math.ceil(from * (1 + (sign * policy.value) / 100)) : from + sign * policy.value;
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
    return step(policy, direction, currentReplicas - changedInPeriod);
  });
  if (limits.length === 0) return direction === 'up' ? Infinity : -Infinity;
  return direction === 'up' ? Math.max(currentReplicas, ...limits) : Math.min(currentReplicas, ...limits);
}

/** The most replicas one period of the scale-up policies allows from `from`, ignoring events. */
export function oneStepUp(behavior: DirectionBehavior, from: number): number {
  return Math.max(from, ...behavior.policies.map((policy) => step(policy, 'up', from)));
}

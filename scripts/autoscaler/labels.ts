// Reads a Swarm service's deploy labels into its scaling policy. Pure: labels in, policy or
// problems out, so one badly labelled service is reported and skipped while the others go on.
import { z } from 'zod';
import { describeIssues, duration, parseDuration } from '../../service/shared/env';
import { DEFAULT_BEHAVIOR, type DirectionBehavior, type RatePolicy, type ScalingSpec } from './decision';

export const LABEL_PREFIX = 'autoscaler.';

/** One signal of a service: CPU or a custom query as the first, request rate optionally beside it. */
export type MetricSource =
  | { kind: 'cpu'; target: number; saturation: number }
  | { kind: 'custom'; query: string; target: number }
  | { kind: 'requests'; target: number; query?: string };

export interface ServicePolicy {
  spec: Omit<ScalingSpec, 'tolerance'>;
  metrics: MetricSource[];
}

export type LabelReading =
  | { managed: false }
  | { managed: true; policy: ServicePolicy }
  | { managed: true; problems: string[] };

/** `100%/15s,4/15s`: percent or task-count steps per period. */
export function parseRatePolicies(text: string): RatePolicy[] | undefined {
  const policies: RatePolicy[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)(%?)\s*\/\s*(\S+)\s*$/.exec(part);
    const periodMs = match?.[3] === undefined ? undefined : parseDuration(match[3]);
    if (!match || periodMs === undefined || periodMs <= 0 || Number(match[1]) <= 0) return undefined;
    policies.push({ type: match[2] ? 'percent' : 'tasks', value: Number(match[1]), periodMs });
  }
  return policies;
}

const wholeNumber = (min: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).refine((n) => n >= min, `must be at least ${min}`);
const fraction = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number above 0 and at most 1')
  .transform(Number)
  .refine((n) => n > 0 && n <= 1, 'must be a number above 0 and at most 1');
const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
  .transform(Number)
  .refine((n) => n > 0, 'must be above 0');
const labelDuration = duration(0, 'must be a duration such as 30s, 5m or 0');
const policies = z.string().transform((text, ctx) => {
  const parsed = parseRatePolicies(text);
  if (!parsed) ctx.addIssue({ code: 'custom', message: 'must be a list such as 100%/15s,4/15s' });
  return parsed ?? [];
});

const schema = z.object({
  min: wholeNumber(0).default(1),
  max: wholeNumber(1),
  'cpu.target': positiveNumber.optional(),
  'cpu.saturation': fraction.optional(),
  query: z.string().min(1).optional(),
  target: positiveNumber.optional(),
  'requests.target': positiveNumber.optional(),
  'requests.query': z.string().min(1).optional(),
  'initialization-period': labelDuration.default(30_000),
  'scale-up.window': labelDuration.optional(),
  'scale-up.policies': policies.optional(),
  'scale-down.window': labelDuration.optional(),
  'scale-down.policies': policies.optional(),
});

export const DEFAULT_CPU_TARGET = 0.7;
/** At 90 % of its limit a task counts as saturated: above the target and its +-15 % noise. */
export const DEFAULT_CPU_SATURATION = 0.9;

/** The policy of one service from all its labels; `autoscaler.enable` other than `true` means unmanaged. */
export function readServiceLabels(labels: Record<string, string>): LabelReading {
  if (labels[`${LABEL_PREFIX}enable`]?.trim().toLowerCase() !== 'true') return { managed: false };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(LABEL_PREFIX) && key !== `${LABEL_PREFIX}enable`) values[key.slice(LABEL_PREFIX.length)] = value.trim();
  }
  const problems: string[] = [];
  const unknown = Object.keys(values).filter((key) => !(key in schema.shape));
  for (const key of unknown) problems.push(`${LABEL_PREFIX}${key} is not a known label`);

  const parsed = schema.safeParse(values);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, LABEL_PREFIX));
  if (!parsed.success || problems.length > 0) return { managed: true, problems };

  const v = parsed.data;
  if (v.min > v.max) problems.push(`${LABEL_PREFIX}min (${v.min}) is above ${LABEL_PREFIX}max (${v.max})`);
  if ((v.query === undefined) !== (v.target === undefined)) problems.push(`${LABEL_PREFIX}query and ${LABEL_PREFIX}target go together`);
  if (v.query !== undefined && v['cpu.target'] !== undefined) problems.push(`${LABEL_PREFIX}cpu.target and ${LABEL_PREFIX}query exclude each other`);
  if (v.query !== undefined && v['cpu.saturation'] !== undefined) problems.push(`${LABEL_PREFIX}cpu.saturation applies to CPU only, not to ${LABEL_PREFIX}query`);
  if (v['requests.query'] !== undefined && v['requests.target'] === undefined) problems.push(`${LABEL_PREFIX}requests.query needs ${LABEL_PREFIX}requests.target`);
  if (problems.length > 0) return { managed: true, problems };

  const behavior = (window: number | undefined, rates: RatePolicy[] | undefined, defaults: DirectionBehavior): DirectionBehavior => ({
    stabilizationWindowMs: window ?? defaults.stabilizationWindowMs,
    policies: rates ?? defaults.policies,
  });
  const first: MetricSource =
    v.query === undefined || v.target === undefined
      ? { kind: 'cpu', target: v['cpu.target'] ?? DEFAULT_CPU_TARGET, saturation: v['cpu.saturation'] ?? DEFAULT_CPU_SATURATION }
      : { kind: 'custom', query: v.query, target: v.target };
  const requests: MetricSource[] = v['requests.target'] === undefined ? [] : [{ kind: 'requests', target: v['requests.target'], ...(v['requests.query'] && { query: v['requests.query'] }) }];
  return {
    managed: true,
    policy: {
      metrics: [first, ...requests],
      spec: {
        minReplicas: v.min,
        maxReplicas: v.max,
        initializationPeriodMs: v['initialization-period'],
        scaleUp: behavior(v['scale-up.window'], v['scale-up.policies'], DEFAULT_BEHAVIOR.scaleUp),
        scaleDown: behavior(v['scale-down.window'], v['scale-down.policies'], DEFAULT_BEHAVIOR.scaleDown),
      },
    },
  };
}

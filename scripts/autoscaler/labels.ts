// Reads a Swarm service's deploy labels into its scaling policy. Pure: labels in, policy or
// problems out, so one badly labelled service is reported and skipped while the others go on.
import { z } from 'zod';
import { DEFAULT_BEHAVIOR, type DirectionBehavior, type RatePolicy, type ScalingSpec } from './decision';

export const LABEL_PREFIX = 'autoscaler.';

export type MetricSource = { kind: 'cpu' } | { kind: 'custom'; query: string };

export interface ServicePolicy {
  spec: Omit<ScalingSpec, 'tolerance'>;
  metric: MetricSource;
}

export type LabelReading =
  | { managed: false }
  | { managed: true; policy: ServicePolicy }
  | { managed: true; problems: string[] };

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `300s`, `5m`, `1500ms`, `0`; a bare number means seconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

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
const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
  .transform(Number)
  .refine((n) => n > 0, 'must be above 0');
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 5m or 0' });
  return ms ?? 0;
});
const policies = z.string().transform((text, ctx) => {
  const parsed = parseRatePolicies(text);
  if (!parsed) ctx.addIssue({ code: 'custom', message: 'must be a list such as 100%/15s,4/15s' });
  return parsed ?? [];
});

const schema = z.object({
  min: wholeNumber(0).default(1),
  max: wholeNumber(1),
  'cpu.target': positiveNumber.optional(),
  query: z.string().min(1).optional(),
  target: positiveNumber.optional(),
  'initialization-period': duration.default(30_000),
  'scale-up.window': duration.optional(),
  'scale-up.policies': policies.optional(),
  'scale-down.window': duration.optional(),
  'scale-down.policies': policies.optional(),
});

const DEFAULT_CPU_TARGET = 0.7;

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
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems.push(issue.code === 'invalid_type' && issue.input === undefined ? `${LABEL_PREFIX}${key} is required` : `${LABEL_PREFIX}${key} ${issue.message}`);
    }
  }
  if (!parsed.success || problems.length > 0) return { managed: true, problems };

  const v = parsed.data;
  if (v.min > v.max) problems.push(`${LABEL_PREFIX}min (${v.min}) is above ${LABEL_PREFIX}max (${v.max})`);
  if ((v.query === undefined) !== (v.target === undefined)) problems.push(`${LABEL_PREFIX}query and ${LABEL_PREFIX}target go together`);
  if (v.query !== undefined && v['cpu.target'] !== undefined) problems.push(`${LABEL_PREFIX}cpu.target and ${LABEL_PREFIX}query exclude each other`);
  if (problems.length > 0) return { managed: true, problems };

  const behavior = (window: number | undefined, rates: RatePolicy[] | undefined, defaults: DirectionBehavior): DirectionBehavior => ({
    stabilizationWindowMs: window ?? defaults.stabilizationWindowMs,
    policies: rates ?? defaults.policies,
  });
  return {
    managed: true,
    policy: {
      metric: v.query === undefined ? { kind: 'cpu' } : { kind: 'custom', query: v.query },
      spec: {
        minReplicas: v.min,
        maxReplicas: v.max,
        target: v.target ?? v['cpu.target'] ?? DEFAULT_CPU_TARGET,
        initializationPeriodMs: v['initialization-period'],
        scaleUp: behavior(v['scale-up.window'], v['scale-up.policies'], DEFAULT_BEHAVIOR.scaleUp),
        scaleDown: behavior(v['scale-down.window'], v['scale-down.policies'], DEFAULT_BEHAVIOR.scaleDown),
      },
    },
  };
}

// Reading settings from the environment, shared by the service and the autoscaler: each reads
// its variables once through a zod schema and fails with one line naming every bad one.
import { z } from 'zod';

/** Raised when the environment does not describe a runnable process; the message is one line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** The variables of `env` named in `known` (a schema's shape); empty counts as unset, as in the shells' `VAR=`. */
export function setVariables(env: NodeJS.ProcessEnv, known: object): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '' && name in known) values[name] = value;
  }
  return values;
}

/** One problem per zod issue, `NAME message`; a missing required value reads `NAME is required`. */
export function describeIssues(issues: z.ZodError['issues'], prefix = ''): string[] {
  return issues.map((issue) => {
    const name = `${prefix}${issue.path.join('.')}`;
    return issue.code === 'invalid_type' && issue.input === undefined ? `${name} is required` : `${name} ${issue.message}`;
  });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino level. */
export const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

/** `1`/`true` or `0`/`false`, as shells and Compose files write booleans. */
export const flag = z
  .enum(['0', '1', 'true', 'false'], { error: 'must be one of 0, 1, true, false' })
  .transform((v) => v === '1' || v === 'true');

/** A whole number in [min, max]; decimals and signs are refused, not rounded. */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

/** A TCP port; 0 asks the system for a free one (tests). */
export const port = integer(0, 65535);

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in `300s`, `5m`, `1500ms` or `0`; a bare number means seconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

/** A duration of at least `minMs`, read into milliseconds; `message` says what is expected. */
export const duration = (minMs: number, message: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) ctx.addIssue({ code: 'custom', message });
    return ms ?? 0;
  });

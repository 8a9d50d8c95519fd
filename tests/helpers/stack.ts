// Reading the Swarm stack files as `docker stack deploy` would: variables interpolated the way the
// Compose spec does it, then parsed. The quick tier checks their structure with no Docker at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './processes';

export const STACK_DIR = path.join(REPO_ROOT, 'stack');
export const STACK_FILES = ['app.yml', 'proxy.yml', 'monitoring.yml', 'db.yml', 'autoscaler.yml'] as const;
export type StackFile = (typeof STACK_FILES)[number];

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, and `$$` for a literal dollar. */
const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g;

export interface VariableUse {
  name: string;
  fallback: string | undefined;
}

/** Every variable a file refers to, with the default it gives (if any). */
export function variablesIn(text: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    if (match[1] !== undefined) uses.push({ name: match[1], fallback: match[3] });
  }
  return uses;
}

/** The text with variables replaced from `env`, falling back to each default, then to ''. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (whole, name: string | undefined, operator: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '$';
    const value = env[name];
    if (operator === ':-') return value === undefined || value === '' ? (fallback ?? '') : value;
    if (operator === '-') return value === undefined ? (fallback ?? '') : value;
    return value ?? '';
  });
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

export const readStackText = (file: string) => readFileSync(path.join(STACK_DIR, file), 'utf8');
export const exampleEnv = () => parseEnvFile(readStackText('.env.example'));

/* The parts of the Compose spec these tests read; everything optional, as in the files. */
export interface ComposeService {
  image?: string;
  user?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  secrets?: (string | { source: string; target?: string })[];
  configs?: { source: string; target: string }[];
  volumes?: string[];
  ports?: (string | { target: number; published: number; mode?: string })[];
  networks?: string[] | Record<string, unknown>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  stop_grace_period?: string;
  read_only?: boolean;
  deploy?: {
    mode?: string;
    replicas?: number | string;
    endpoint_mode?: string;
    placement?: { constraints?: string[]; preferences?: { spread: string }[]; max_replicas_per_node?: number | string };
    update_config?: Record<string, unknown>;
    rollback_config?: Record<string, unknown>;
    restart_policy?: Record<string, unknown>;
    resources?: { limits?: Record<string, unknown>; reservations?: Record<string, unknown> };
    labels?: Record<string, string>;
  };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { external?: boolean; name?: string }>;
  secrets?: Record<string, { external?: boolean; file?: string }>;
  configs?: Record<string, { name?: string; file?: string }>;
  volumes?: Record<string, unknown>;
}

/** One stack file as deployed with the given settings (the documented defaults when empty). */
export function loadStack(file: string, env: Record<string, string | undefined> = {}): ComposeFile {
  return parse(interpolate(readStackText(file), env)) as ComposeFile;
}

/** Milliseconds of a Compose duration such as `1m30s`, `20s`, `500ms`. */
export function composeDurationMs(text: string): number {
  let total = 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let consumed = '';
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed += match[0];
  }
  if (consumed !== text || consumed === '') throw new Error(`not a duration: ${text}`);
  return total;
}

/** Network keys a service attaches to, whichever of the two Compose forms it uses. */
export function networksOf(service: ComposeService): string[] {
  if (!service.networks) return [];
  return Array.isArray(service.networks) ? service.networks : Object.keys(service.networks);
}

/** Secret names a service mounts. */
export function secretsOf(service: ComposeService): string[] {
  return (service.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
}

// Reading the Swarm stack files as `docker stack deploy` would: variables interpolated the way the
// Compose spec does it, then parsed. The quick tier checks their structure with no Docker at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './processes';

export const STACK_DIR = path.join(REPO_ROOT, 'stack');

/** The names of a stack list such as stack/stacks.txt: one a line, blank lines and `#` comments skipped. */
export function parseStackList(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== '');
}

/** The platform's stacks in deployment order, from stack/stacks.txt, the one list of them. */
export const STACKS: readonly string[] = parseStackList(readFileSync(path.join(STACK_DIR, 'stacks.txt'), 'utf8'));
/** Their files: the stack NAME is stack/NAME.yml. */
export const STACK_FILES: readonly string[] = STACKS.map((name) => `${name}.yml`);

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

/** NAME=value lines; `# NAME=value` documents a setting that is better left unset. */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(?:#\s*)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
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

/** The stacks, loaded with the given settings, and the lookups the stack checks share. */
export interface Platform {
  /** Each stack file as deployed, by file name, in deployment order. */
  stacks: ReadonlyMap<string, ComposeFile>;
  /** One service of one file; throws when the file has no such service. */
  service: (file: string, name: string) => ComposeService;
  /** Every service of every stack file, with the file it is in. */
  allServices: () => { file: string; name: string; svc: ComposeService }[];
}

export function loadPlatform(env: Record<string, string | undefined> = {}): Platform {
  const stacks = new Map<string, ComposeFile>(STACK_FILES.map((file) => [file, loadStack(file, env)]));
  return {
    stacks,
    service: (file, name) => {
      const found = stacks.get(file)?.services[name];
      if (!found) throw new Error(`${file} has no service ${name}`);
      return found;
    },
    allServices: () => [...stacks].flatMap(([file, compose]) => Object.entries(compose.services).map(([name, svc]) => ({ file, name, svc }))),
  };
}

/** A service's environment value as a string, as Swarm passes it (undefined when unset). */
export const envValue = (svc: ComposeService, key: string) => (svc.environment?.[key] === undefined ? undefined : String(svc.environment[key]));

/** A service's deploy label (the labels Swarm puts on the service, which Traefik and Prometheus read). */
export const deployLabel = (svc: ComposeService, key: string) => svc.deploy?.labels?.[key];

/** The Swarm names of the external networks the files join (each top-level network's name, else its key), sorted. */
export function externalNetworks(files: Iterable<ComposeFile>): string[] {
  const names = new Set<string>();
  for (const compose of files) {
    for (const [key, network] of Object.entries(compose.networks ?? {})) if (network.external) names.add(network.name ?? key);
  }
  return [...names].sort();
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

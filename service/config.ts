import { readFileSync } from 'node:fs';
import { z } from 'zod';
import packageJson from '../package.json';
import { ConfigError, describeIssues, flag, integer, logLevel, port, setVariables } from './shared/env';

// The entry points (main.ts, migrate.ts) catch it by this name, from here.
export { ConfigError };

export type TrustProxy = boolean | number | string;

export interface Config {
  port: number;
  metricsPort: number;
  host: string;
  logLevel: string;
  birthdayTimeZone: string;
  sqlitePath: string;
  databaseUrl?: string;
  databasePoolMax: number;
  databaseStatementTimeoutMs: number;
  /** How long a request waits for a PostgreSQL connection (new or from the full pool) before 503. */
  databaseConnectTimeoutMs: number;
  backupDir: string;
  migrateWithoutBackup: boolean;
  /** apply: migrate at start-up (one process, SQLite); check: only refuse a schema that is behind. */
  migrations: 'apply' | 'check';
  apiToken?: string;
  trustProxy: TrustProxy;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  version: string;
  commit: string;
}

// Secrets may come from a file (Docker secrets) as <NAME>_FILE instead of <NAME>.
const SECRET_NAMES = ['API_TOKEN', 'DATABASE_URL', 'DATABASE_PASSWORD'] as const;

const timeZone = z.string().refine(isKnownTimeZone, 'is not a known IANA time zone');

const trustProxy = z.string().transform((value): TrustProxy => {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // a list of addresses or subnets, as Express accepts
});

const databaseUrl = z.string().refine((value) => {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a postgres:// or postgresql:// URL');

const schema = z.object({
  PORT: port.default(3000),
  METRICS_PORT: port.default(9464),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: logLevel.default('info'),
  BIRTHDAY_TZ: timeZone.default('UTC'),
  SQLITE_PATH: z.string().min(1).default('data/app.db'),
  DATABASE_URL: databaseUrl.optional(),
  DATABASE_PASSWORD: z.string().min(1).optional(),
  DB_POOL_MAX: integer(1, 1000).default(10),
  DB_STATEMENT_TIMEOUT_MS: integer(1, 3_600_000).default(5000),
  DB_CONNECT_TIMEOUT_MS: integer(1, 600_000).default(3000),
  BACKUP_DIR: z.string().min(1).default('data/backups'),
  MIGRATE_WITHOUT_BACKUP: flag.default(false),
  MIGRATIONS: z.enum(['apply', 'check'], { error: 'must be apply or check' }).default('apply'),
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: trustProxy.default(false),
  SHUTDOWN_DELAY_MS: integer(0, 600_000).default(5000),
  SHUTDOWN_TIMEOUT_MS: integer(1, 600_000).default(10000),
  APP_VERSION: z.string().min(1).default(packageJson.version),
  GIT_COMMIT: z.string().min(1).default('unknown'),
});

export type ReadSecretFile = (path: string) => string;

const readSecretFromDisk: ReadSecretFile = (path) => readFileSync(path, 'utf8');

/** Reads the whole configuration from `env` once, reporting every bad variable together; empty counts as unset. */
export function loadConfig(env: NodeJS.ProcessEnv, readSecret = readSecretFromDisk): Readonly<Config> {
  const problems: string[] = [];
  const values = setVariables(env, schema.shape);
  for (const name of SECRET_NAMES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (values[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set; use one`);
      continue;
    }
    try {
      values[name] = readSecret(file).replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  const parsed = schema.safeParse(values);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const v = parsed.data;
  if (v.SHUTDOWN_DELAY_MS >= v.SHUTDOWN_TIMEOUT_MS) {
    throw new ConfigError(['SHUTDOWN_DELAY_MS must be less than SHUTDOWN_TIMEOUT_MS']);
  }
  return Object.freeze({
    port: v.PORT,
    metricsPort: v.METRICS_PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    birthdayTimeZone: v.BIRTHDAY_TZ,
    sqlitePath: v.SQLITE_PATH,
    databaseUrl: v.DATABASE_URL && withPassword(v.DATABASE_URL, v.DATABASE_PASSWORD),
    databasePoolMax: v.DB_POOL_MAX,
    databaseStatementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    databaseConnectTimeoutMs: v.DB_CONNECT_TIMEOUT_MS,
    backupDir: v.BACKUP_DIR,
    migrateWithoutBackup: v.MIGRATE_WITHOUT_BACKUP,
    migrations: v.MIGRATIONS,
    apiToken: v.API_TOKEN,
    trustProxy: v.TRUST_PROXY,
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    version: v.APP_VERSION,
    commit: v.GIT_COMMIT,
  });
}

// The password usually arrives as a Docker secret of its own, apart from the URL.
function withPassword(databaseUrl: string, password: string | undefined): string {
  if (password === undefined) return databaseUrl;
  const url = new URL(databaseUrl);
  url.password = encodeURIComponent(password);
  return url.toString();
}

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

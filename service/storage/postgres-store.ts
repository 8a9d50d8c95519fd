import pg from 'pg';
import { StoreUnavailableError, type BirthdayStore } from './store';

export interface PostgresPoolOptions {
  connectionString: string;
  max: number;
  statementTimeoutMs: number;
  /** The service's DB_CONNECT_TIMEOUT_MS (service/config.ts holds its default). */
  connectTimeoutMs: number;
}

/** A pool whose every connection has a statement timeout; TLS and the rest come from the URL. */
export function createPostgresPool({ connectionString, max, statementTimeoutMs, connectTimeoutMs }: PostgresPoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString,
    max,
    statement_timeout: statementTimeoutMs,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
}

// Errors that mean "the database is not there right now" rather than "our query is wrong":
// network errors, SQLSTATE class 08 (connection), 53300 (too many connections),
// 57P01-57P03 (shutting down, crashed, starting) and 57014 (statement timeout).
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123]|57014)$/;
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NETWORK.has(code))) return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|pool after calling end/i.test(message);
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError('postgres: database unavailable', { cause: error });
    throw error;
  }
}

export function createPostgresStore(pool: pg.Pool): BirthdayStore {
  return {
    dialect: 'postgres',
    upsert: (username, dateOfBirth) =>
      guard(async () => {
        await pool.query(
          `INSERT INTO birthdays (username, date_of_birth) VALUES ($1, $2::date)
           ON CONFLICT (username) DO UPDATE SET date_of_birth = EXCLUDED.date_of_birth, updated_at = now()`,
          [username, dateOfBirth],
        );
      }),
    findDateOfBirth: (username) =>
      guard(async () => {
        // to_char keeps the date a plain string: pg would otherwise turn it into a local-time Date.
        const result = await pool.query<{ date_of_birth: string }>(
          `SELECT to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth FROM birthdays WHERE username = $1`,
          [username],
        );
        return result.rows[0]?.date_of_birth;
      }),
    remove: (username) =>
      guard(async () => ((await pool.query('DELETE FROM birthdays WHERE username = $1', [username])).rowCount ?? 0) > 0),
    ping: () => guard(async () => void (await pool.query('SELECT 1'))),
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
}

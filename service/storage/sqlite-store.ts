import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError, type BirthdayStore } from './store';

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Opens (creating its directory) a SQLite database in WAL mode with a busy timeout. */
export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  switchToWal(db);
  db.pragma('synchronous = NORMAL'); // safe with WAL: a power cut may lose the last commits, never corrupt
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Switching to WAL needs an exclusive lock, and while another instance is opening the same new
 * file SQLite can answer SQLITE_BUSY at once, without its busy handler (seen about once in 40
 * simultaneous starts). Retried here for as long as the busy timeout; a start-up step, so the
 * short synchronous waits block nothing else.
 */
function switchToWal(db: Database.Database): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

// Faults of the file or its lock, as opposed to bugs in our SQL.
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|CORRUPT|NOTADB)/;

function guard<T>(db: Database.Database, operation: () => T): T {
  if (!db.open) throw new StoreUnavailableError('sqlite: database is closed');
  try {
    return operation();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
      throw new StoreUnavailableError(`sqlite: ${code}`, { cause: error });
    }
    throw error;
  }
}

export function createSqliteStore(db: Database.Database): BirthdayStore {
  // Prepared on first use: the table exists only once migrations have run.
  let statements: ReturnType<typeof prepare> | undefined;
  const sql = () => (statements ??= prepare(db));

  return {
    dialect: 'sqlite',
    upsert: async (username, dateOfBirth) => void guard(db, () => sql().upsert.run(username, dateOfBirth)),
    findDateOfBirth: async (username) => guard(db, () => sql().find.get(username) as string | undefined),
    remove: async (username) => guard(db, () => sql().remove.run(username).changes > 0),
    ping: async () => void guard(db, () => sql().ping.get()),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

function prepare(db: Database.Database) {
  return {
    upsert: db.prepare(
      `INSERT INTO birthdays (username, date_of_birth) VALUES (?, ?)
       ON CONFLICT (username) DO UPDATE SET date_of_birth = excluded.date_of_birth,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ),
    find: db.prepare('SELECT date_of_birth FROM birthdays WHERE username = ?').pluck(),
    remove: db.prepare('DELETE FROM birthdays WHERE username = ?'),
    ping: db.prepare('SELECT 1').pluck(),
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A fresh directory under the OS temp dir, removed by the returned function. */
export function tempDir(prefix = 'birthdays-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The PostgreSQL server CI provides; unset on a machine with only Node. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * A schema of its own on the test server, reached through `search_path` in the URL, so suites
 * never see each other's tables. Dropped by the returned function.
 */
export async function isolatedPostgresSchema(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(baseUrl);
  // %20, not URLSearchParams' '+': libpq (pg_dump) does not read '+' as a space.
  url.search = `${url.search ? `${url.search}&` : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

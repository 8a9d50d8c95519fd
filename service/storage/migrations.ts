import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d+)_([a-z0-9_]+)\.sql$/;

/** Where the SQL lives next to this module, in the sources and in dist/ alike (the build copies it). */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Reads `NNN_name.sql` files of one dialect in version order; a malformed name is an error, not skipped. */
export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`migration file ${file} in ${dir} is not named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2] ?? '', sql: readFileSync(path.join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]?.version === m.version) throw new Error(`two migrations share version ${m.version} in ${dir}`);
  });
  return migrations;
}

/** The migrations not yet recorded as applied. */
export function pendingMigrations(all: Migration[], applied: Set<number>): Migration[] {
  return all.filter((m) => !applied.has(m.version));
}

/** A file-name-safe UTC timestamp for backups: 20261124T010203Z. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export interface MigrationReport {
  applied: Migration[];
  backupPath?: string;
}

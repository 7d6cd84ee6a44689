import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** prisma/migrations at the repository root (this file is apps/api/src/db). */
export const DEFAULT_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prisma/migrations');

export interface Migration {
  /** The directory name, e.g. `20261129070000_init`; also `_prisma_migrations.migration_name`. */
  readonly name: string;
  readonly sql: string;
  /** sha256 (hex) of migration.sql, as Prisma records it. */
  readonly checksum: string;
}

/** Reads `<dir>/<name>/migration.sql` in name (= timestamp) order. */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

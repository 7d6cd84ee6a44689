import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Migration } from './migrations';

/**
 * The advisory lock key Prisma's schema engine takes for migrations on
 * PostgreSQL: using the same one makes this runner and `prisma migrate
 * deploy` wait for each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's own DDL, so `prisma migrate status/deploy` read our rows. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  logs: string | null;
}

export interface MigrationLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Applies pending migrations in order under the migration advisory lock,
 * recording each in `_prisma_migrations` as Prisma does. Each file is sent
 * as one simple-protocol query, so PostgreSQL runs it as one implicit
 * transaction: a failing migration leaves no half-applied schema. (Hence no
 * `CREATE INDEX CONCURRENTLY` in migrations.) Returns the names applied.
 */
export async function applyMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[],
  log: MigrationLogger,
): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return await applyPending(client, migrations, log);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(
  client: pg.PoolClient,
  migrations: readonly Migration[],
  log: MigrationLogger,
): Promise<string[]> {
  const { rows } = await client.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, logs FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier (${failed.logs ?? 'no log'}). Fix the database, then mark it rolled back: ` +
        `\`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}' AND finished_at IS NULL\` ` +
        `(or \`prisma migrate resolve --rolled-back ${failed.migration_name}\`) and start again.`,
    );
  }
  const applied = new Map(rows.map((row) => [row.migration_name, row]));
  const known = new Set(migrations.map((migration) => migration.name));
  for (const name of applied.keys()) {
    if (!known.has(name))
      log.warn(
        { migration: name },
        'the database has a migration this version does not know: is a newer iamroll running against it?',
      );
  }

  const done: string[] = [];
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row) {
      if (row.checksum !== migration.checksum)
        log.warn(
          { migration: migration.name },
          'an applied migration was edited since; the database keeps the old version',
        );
      continue;
    }
    await applyOne(client, migration);
    log.info({ migration: migration.name }, 'migration applied');
    done.push(migration.name);
  }
  return done;
}

async function applyOne(client: pg.PoolClient, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    // No parameters: pg uses the simple query protocol, which accepts many statements.
    await client.query(migration.sql);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, reason]);
    throw new MigrationError(`migration ${migration.name} failed: ${reason}`);
  }
  await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
    id,
  ]);
}

/** Names of migrations not (successfully) applied yet; all of them when the table is missing. */
export async function pendingMigrations(
  db: pg.Pool | pg.PoolClient,
  migrations: readonly Migration[],
): Promise<string[]> {
  const { rows: tables } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!tables[0]?.present) return migrations.map((migration) => migration.name);
  const { rows } = await db.query<{ migration_name: string }>(
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
}

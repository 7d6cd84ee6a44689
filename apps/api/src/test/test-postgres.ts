import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPg, type EmbeddedPg } from '@iamroll/embedded-pg';
import pg from 'pg';
import { applyMigrations } from '../db/migrate';
import { readMigrations } from '../db/migrations';
import type { PgTarget } from '../db/schema-diff';

export interface TestDatabase {
  readonly name: string;
  /** Contains the password: tests only. */
  readonly url: string;
  /** The same as discrete fields (what schema-diff wants). */
  readonly target: PgTarget;
}

export interface TestPostgres {
  readonly server: EmbeddedPg;
  /** A fresh database holding the migrated schema (cloned from a template: ~100 ms). */
  createDatabase(): Promise<TestDatabase>;
  /** A fresh database with nothing in it, for migration tests. */
  createEmptyDatabase(): Promise<TestDatabase>;
  stop(): Promise<void>;
}

const TEMPLATE = 'iamroll_template';
const silent = { info: () => undefined, warn: () => undefined };

/**
 * One embedded PostgreSQL per test file (call in beforeAll, stop in
 * afterAll). Migrations run once into a template database; every
 * createDatabase() clones it, so each app under test gets its own database.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'iamroll-api-test-'));
  await chmod(root, 0o755); // as root, the server runs as `postgres`, which must enter it
  const server = await startEmbeddedPg({ dataDir: join(root, 'pg'), isPersistent: false, isDurable: false });
  await server.ensureDatabase(TEMPLATE);
  const pool = new pg.Pool({ connectionString: server.connectionString(TEMPLATE), max: 1 });
  try {
    await applyMigrations(pool, await readMigrations(), silent);
  } finally {
    await pool.end();
  }

  let counter = 0;
  const create = async (template: string): Promise<TestDatabase> => {
    counter += 1;
    const name = `test_${process.pid}_${counter}`;
    const admin = new pg.Client({ connectionString: server.connectionString() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`);
    } finally {
      await admin.end();
    }
    return {
      name,
      url: server.connectionString(name),
      target: { host: server.host, port: server.port, user: server.user, password: server.password, database: name },
    };
  };

  return {
    server,
    createDatabase: () => create(TEMPLATE),
    createEmptyDatabase: () => create('template0'),
    async stop() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

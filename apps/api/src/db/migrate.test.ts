import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestPostgres } from '../test/use-test-app';
import { MigrationError, applyMigrations, pendingMigrations } from './migrate';
import { readMigrations, type Migration } from './migrations';
import { diffDatabaseToSchema } from './schema-diff';

const silent = { info: () => undefined, warn: () => undefined };

describe('migrations', () => {
  const postgres = useTestPostgres();
  let migrations: Migration[];

  beforeAll(async () => {
    migrations = await readMigrations();
  });

  it('apply on an empty database and produce exactly the schema of schema.prisma', async () => {
    const db = await postgres.createEmptyDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      expect(await applyMigrations(pool, migrations, silent)).toEqual(migrations.map((m) => m.name));
    } finally {
      await pool.end();
    }
    const diff = await diffDatabaseToSchema(db.target);
    // A non-empty script is the SQL a new migration needs: see apps/api/README.md.
    expect(diff.script).toBe('');
    expect(diff.summary).toBe('No difference detected.');
  }, 60_000);

  it('notice drift: a database missing a column does not match', async () => {
    const db = await postgres.createDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('ALTER TABLE nodes DROP COLUMN pool_size');
    await client.end();
    const diff = await diffDatabaseToSchema(db.target);
    expect(diff.script).toMatch(/ADD COLUMN\s+"pool_size"/);
  }, 60_000);

  it('record Prisma-compatible rows and apply nothing twice, even when started concurrently', async () => {
    const db = await postgres.createEmptyDatabase();
    const pools = [new pg.Pool({ connectionString: db.url }), new pg.Pool({ connectionString: db.url })];
    try {
      const results = await Promise.all(pools.map((pool) => applyMigrations(pool, migrations, silent)));
      expect(results.flat()).toEqual(migrations.map((m) => m.name));
      const { rows } = await pools[0]!.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toEqual(
        migrations.map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          finished_at: expect.any(Date),
          applied_steps_count: 1,
          rolled_back_at: null,
        })),
      );
      expect(migrations[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(await pendingMigrations(pools[0]!, migrations)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  }, 60_000);

  it('run a file as one script: a failure leaves nothing half-applied and blocks the next start', async () => {
    const db = await postgres.createEmptyDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    const broken: Migration = {
      name: '20990101000000_broken',
      sql: 'CREATE TABLE half_done (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT no_such_function();',
      checksum: 'x'.repeat(64),
    };
    try {
      await expect(applyMigrations(pool, [broken], silent)).rejects.toThrow(/20990101000000_broken failed/);
      const { rows } = await pool.query(`SELECT to_regclass('half_done') AS t`);
      expect(rows[0].t).toBeNull();
      await expect(applyMigrations(pool, [broken], silent)).rejects.toThrow(MigrationError);
      await expect(applyMigrations(pool, [broken], silent)).rejects.toThrow(/rolled_back_at/);
      expect(await pendingMigrations(pool, [broken])).toEqual(['20990101000000_broken']);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('make audit events append-only', async () => {
    const db = await postgres.createDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO audit_events (actor_type, action) VALUES ('system', 'test.insert')`);
      await expect(client.query(`UPDATE audit_events SET action = 'rewritten'`)).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      const { rows } = await client.query('SELECT action FROM audit_events');
      expect(rows).toEqual([{ action: 'test.insert' }]);
    } finally {
      await client.end();
    }
  });

  it("carry every node's stored counters over when last_counters becomes 13 numbers (nodes_cheap_liveness)", async () => {
    const db = await postgres.createEmptyDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const at = migrations.findIndex((m) => m.name.endsWith('_nodes_cheap_liveness'));
      expect(at).toBeGreaterThan(0);
      await applyMigrations(pool, migrations.slice(0, at), silent);
      const rw = {
        attempts: 10,
        established: 9,
        authFailures: { invalidToken: 1, notAuthorized: 2, throttled: 3, other: 4 },
      };
      const ro = {
        attempts: 20,
        established: 19,
        authFailures: { invalidToken: 5, notAuthorized: 6, throttled: 7, other: 8 },
      };
      await pool.query(
        `INSERT INTO nodes (hostname, role, last_counters) VALUES
           ('kong-both', 'traditional', $1::jsonb), ('kong-rw', 'traditional', $2::jsonb), ('kong-new', 'traditional', DEFAULT)`,
        [JSON.stringify({ sentAtMs: 1_700_000_000_123, rw, ro }), JSON.stringify({ sentAtMs: 5, rw })],
      );
      await applyMigrations(pool, migrations, silent);
      const { rows } = await pool.query<{ hostname: string; counters: number[] }>(
        'SELECT hostname, last_counters AS counters FROM nodes ORDER BY hostname',
      );
      expect(rows).toEqual([
        { hostname: 'kong-both', counters: [1_700_000_000_123, 10, 9, 1, 2, 3, 4, 20, 19, 5, 6, 7, 8] },
        { hostname: 'kong-new', counters: [] },
        { hostname: 'kong-rw', counters: [5, 10, 9, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0] },
      ]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('keep the open-alarm key unique among open alarms only', async () => {
    const db = await postgres.createDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const insert = `INSERT INTO alarms (key, kind, severity, subject_type, message) VALUES ('budget:x', 'budget', 'warning', 'database', 'm')`;
      await client.query(insert);
      await expect(client.query(insert)).rejects.toThrow(/alarms_open_key_key/);
      await client.query('UPDATE alarms SET resolved_at = now()');
      await client.query(insert);
    } finally {
      await client.end();
    }
  });
});

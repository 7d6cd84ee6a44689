import { ZERO_KIND_COUNTERS } from '@iamroll/core/rates';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/sql';
import { useTestPostgres } from '../../test/use-test-app';
import { createNodeStateRepository, storedCountersOf, type LivenessWrite } from './node-state-repository';

/** About what an agent's details weigh (apps/agent sends the effective config and its findings). */
const EFFECTIVE_CONFIG = {
  pg_host: 'kong-db.cluster-abc123.eu-west-1.rds.amazonaws.com',
  pg_port: 5432,
  pg_database: 'kong',
  pg_user: 'kong',
  pg_iam_auth: false,
  pg_ssl: true,
  pg_ssl_verify: true,
  pg_ro_host: 'kong-db.cluster-ro-abc123.eu-west-1.rds.amazonaws.com',
  pg_ro_iam_auth: false,
  nginx_worker_processes: 4,
  pg_pool_size: 30,
  lua_ssl_trusted_certificate: '/etc/kong/rds-global-bundle.pem',
};

describe('NodeStateRepository liveness writes', () => {
  const postgres = useTestPostgres();
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: (await postgres.createDatabase()).url, max: 2 });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('are HOT: a pass over a whole packed fleet rewrites no index (last_seen_at is not indexed, pages keep room)', async () => {
    // Enough nodes to fill several pages, each row as wide as a reporting node's.
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (hostname, role, effective_config, last_counters)
       SELECT 'kong-hot-' || i, 'traditional', $1::jsonb, array_fill(0::float8, ARRAY[13]) FROM generate_series(1, 200) AS i
       RETURNING id`,
      [JSON.stringify(EFFECTIVE_CONFIG)],
    );
    const states = createNodeStateRepository(pool);
    const nowMs = Date.now();
    const pass = (second: number): LivenessWrite[] =>
      rows.map((row, i) => ({
        id: row.id,
        lastSeenMs: nowMs + second * 1000,
        snapshot: {
          bootId: `boot-${i}`,
          seq: second,
          sentAtMs: nowMs + second * 1000,
          rw: { ...ZERO_KIND_COUNTERS, attempts: second * 3, established: second * 3 },
          ro: ZERO_KIND_COUNTERS,
        },
      }));

    const { hot, updated, pages } = await inTransaction(pool, async (client) => {
      await states.writeLiveness(pass(1), client);
      // This transaction's own counts (pg_stat_user_tables would lag by a stats flush).
      const { rows: stats } = await client.query<{ hot: number; updated: number; pages: number }>(
        `SELECT pg_stat_get_xact_tuples_hot_updated('nodes'::regclass)::int AS hot,
                pg_stat_get_xact_tuples_updated('nodes'::regclass)::int AS updated,
                (pg_relation_size('nodes') / current_setting('block_size')::int)::int AS pages`,
      );
      return stats[0]!;
    });
    expect(pages).toBeGreaterThan(3); // the rows span pages: a packed page would have had no room
    expect(updated).toBe(rows.length);
    expect(hot).toBe(rows.length);

    const [written] = await states.load([rows[0]!.id]);
    expect(written).toMatchObject({ lastSeenMs: nowMs + 1000, lastSeq: 1, bootId: 'boot-0' });
    expect(storedCountersOf(written?.lastCounters)?.rw.attempts).toBe(3);
  });

  it('stores the counters a controller restart diffs the next heartbeat against, every field in its place', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (hostname, role) VALUES ('kong-counters', 'traditional') RETURNING id`,
    );
    const id = rows[0]!.id;
    const states = createNodeStateRepository(pool);
    const [fresh] = await states.load([id]);
    expect(storedCountersOf(fresh?.lastCounters)).toBeUndefined(); // no heartbeat yet

    // Distinct values everywhere, so a swapped pair of fields fails.
    const rw = {
      attempts: 101,
      established: 97,
      authFailures: { invalidToken: 1, notAuthorized: 2, throttled: 3, other: 4 },
    };
    const ro = {
      attempts: 55,
      established: 41,
      authFailures: { invalidToken: 5, notAuthorized: 6, throttled: 7, other: 8 },
    };
    const sentAtMs = Date.now() - 250;
    await states.writeLiveness([
      { id, lastSeenMs: Date.now(), snapshot: { bootId: 'b-1', seq: 42, sentAtMs, rw, ro } },
    ]);
    const [row] = await states.load([id]);
    expect(row).toMatchObject({ bootId: 'b-1', lastSeq: 42 });
    expect(storedCountersOf(row?.lastCounters)).toEqual({ sentAtMs, rw, ro });
  });

  it('reads nothing from a malformed last_counters (an operator’s edit) rather than a wrong baseline', () => {
    expect(storedCountersOf([1, 2, 3])).toBeUndefined();
    expect(storedCountersOf(Array.from({ length: 13 }, () => Number.NaN))).toBeUndefined();
    expect(storedCountersOf({ sentAtMs: 1 })).toBeUndefined();
    expect(storedCountersOf(null)).toBeUndefined();
  });

  it('never moves last_seen_at back, and keeps the newer counters, when an older write lands late', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (hostname, role) VALUES ('kong-late', 'traditional') RETURNING id`,
    );
    const id = rows[0]!.id;
    const states = createNodeStateRepository(pool);
    const write = (seenMs: number, seq: number): LivenessWrite => ({
      id,
      lastSeenMs: seenMs,
      snapshot: { bootId: 'b', seq, sentAtMs: seenMs, rw: ZERO_KIND_COUNTERS, ro: ZERO_KIND_COUNTERS },
    });
    const nowMs = Date.now();
    await states.writeLiveness([write(nowMs + 2000, 2)]);
    await states.writeLiveness([write(nowMs + 1000, 1)]);
    const { rows: read } = await pool.query<{ seenMs: number; seq: number }>(
      `SELECT (extract(epoch FROM last_seen_at) * 1000)::float8 AS "seenMs", last_seq AS seq FROM nodes WHERE id = $1`,
      [id],
    );
    expect(read[0]).toEqual({ seenMs: nowMs + 2000, seq: 2 });
  });
});

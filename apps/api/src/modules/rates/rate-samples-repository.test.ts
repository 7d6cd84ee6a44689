import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestPostgres } from '../../test/use-test-app';
import type { TestDatabase } from '../../test/test-postgres';
import { createRateSamplesRepository, SAMPLE_ROWS_PER_STATEMENT, type SampleRow } from './rate-samples-repository';

describe('rate samples repository', () => {
  const postgres = useTestPostgres();
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await postgres.createDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    // PostgreSQL may stop before this pool ends (hook order): an idle client's 57P01 is expected then.
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('writes a fleet-sized bucket in several statements, every row once, and rewrites idempotently', async () => {
    const bucketStartMs = 1_800_000_000_000;
    const nodes = Array.from({ length: SAMPLE_ROWS_PER_STATEMENT * 2 + 17 }, () => randomUUID());
    const rows = (sum: number): SampleRow[] =>
      nodes.map((seriesId, i) => ({
        seriesKind: 'node',
        seriesId,
        metric: 'connects',
        resolutionSeconds: 60,
        bucketStartMs,
        sum: sum + i,
        max: 1,
        count: 60,
      }));
    const repository = createRateSamplesRepository(pool);
    await repository.upsert(rows(1));
    await repository.upsert(rows(5));
    const { rows: stored } = await pool.query<{ count: number; total: number }>(
      `SELECT count(*)::int AS count, sum(sum)::float8 AS total FROM rate_samples WHERE resolution_seconds = 60`,
    );
    const expectedTotal = nodes.reduce((total, _, i) => total + 5 + i, 0);
    expect(stored[0]).toEqual({ count: nodes.length, total: expectedTotal });
    const last = nodes.at(-1)!;
    const range = await repository.range(
      { seriesKind: 'node', seriesId: last, metric: 'connects' },
      60,
      bucketStartMs,
      bucketStartMs + 60_000,
    );
    expect(range).toEqual([{ bucketStartMs, sum: 5 + nodes.length - 1, max: 1, count: 60 }]);
  });

  it('writes nothing for no rows', async () => {
    const before = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM rate_samples`);
    await createRateSamplesRepository(pool).upsert([]);
    const after = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM rate_samples`);
    expect(after.rows[0]!.count).toBe(before.rows[0]!.count);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../test/test-postgres';
import { createPrismaClient, isDatabaseBusy, TRANSACTION_MAX_WAIT_MS } from './prisma-client';

/** Longer than Prisma's own default wait for a connection (2 s), well within ours. */
const HELD_MS = 2_500;

describe('transactions when every connection is in use', () => {
  let postgres: TestPostgres;
  let pool: pg.Pool;
  let prisma: ReturnType<typeof createPrismaClient>;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    pool = new pg.Pool({ connectionString: (await postgres.createDatabase()).url, max: 1 });
    prisma = createPrismaClient(pool);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await postgres?.stop();
  });

  it('wait for a connection to come free instead of failing after Prisma’s 2 s', async () => {
    expect(TRANSACTION_MAX_WAIT_MS).toBeGreaterThan(HELD_MS);
    const held = await pool.connect();
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        held.release();
        resolve();
      }, HELD_MS),
    );
    const result = await prisma.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
    await released;
    expect(result).toEqual([{ one: 1 }]);
  });

  it('fail with a code the errors plugin answers 503 when none comes in time', async () => {
    const held = await pool.connect();
    try {
      const error = await prisma
        .$transaction(async (tx) => tx.$queryRaw`SELECT 1`, { maxWait: 200 })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeDefined();
      expect(isDatabaseBusy(error)).toBe(true);
    } finally {
      held.release();
    }
    expect(isDatabaseBusy(new Error('boom'))).toBe(false);
  });
});

import { generateCredential, startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIamTokenProvider } from '../token/index';
import { createTokenBucketGate, type BudgetGate } from './budget-gate';
import { classifyConnectFailure } from './classify';
import { createIamPool, type IamPool, type IamPoolOptions } from './iam-pool';

// Integration: the pool against the RDS IAM simulator (real TLS, real SigV4
// verification, real PostgreSQL behind it, the simulator's token-bucket budget).

const LONG_TERM = generateCredential();
const SESSION = {
  accessKeyId: 'ASIAIAMROLLTESTSESSION',
  secretAccessKey: 'c2Vzc2lvbi1zZWNyZXQta2V5LWZvci10ZXN0cy1vbmx5',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////test-session-token',
};
const BUDGET_PER_SECOND = 10;

let sim: RdsSim;
let offsetMs = 0;
const pools: IamPool[] = [];

beforeAll(async () => {
  // The simulator's clock runs ahead by `offsetMs`: jumping it refills the budget
  // between tests without sleeping. Tokens are signed on real time, so they only look older.
  sim = await startRdsSim({
    credentials: [LONG_TERM, SESSION],
    authRatePerSecond: BUDGET_PER_SECOND,
    clock: () => Date.now() + offsetMs,
  });
}, 60_000);

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
  offsetMs += 2_000;
});

function simPool(options: Partial<IamPoolOptions> & { credentials?: typeof LONG_TERM } = {}): IamPool {
  const { credentials = LONG_TERM, ...rest } = options;
  const pool = createIamPool({
    host: sim.endpointHost,
    connectHost: sim.host,
    port: sim.port,
    user: sim.iamUser,
    database: sim.database,
    tokenProvider: createIamTokenProvider({ credentials }),
    tls: { caFile: sim.caFile },
    gate: null,
    connectTimeoutMs: 10_000,
    pg: { max: 100 },
    ...rest,
  });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

function throttledAtSim(): number {
  return sim.counters().totals.IamDbAuthConnectionFailureThrottling;
}

/** Opens `count` physical connections at once and holds them until all settle. */
async function storm(pool: IamPool, count: number): Promise<PromiseSettledResult<unknown>[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  for (const result of results) if (result.status === 'fulfilled') (result.value as { release(): void }).release();
  return results;
}

describe('IAM pool against the RDS simulator', () => {
  it('logs in with a signed token as the IAM user', async () => {
    const { rows } = await simPool().query<{ current_user: string }>('SELECT current_user');
    expect(rows).toEqual([{ current_user: sim.iamUser }]);
  });

  it('logs in with session-token credentials', async () => {
    const pool = simPool({ credentials: SESSION });
    const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
    expect(rows[0]?.current_user).toBe(sim.iamUser);
  });

  it('fails a token signed with unknown keys as invalid_token, without retrying', async () => {
    const pool = simPool({ credentials: generateCredential() });
    const error = await pool.connect().catch((e: unknown) => e);
    expect(classifyConnectFailure(error)).toBe('invalid_token');
    expect(pool.iamCounters).toMatchObject({ attempts: 1, retries: 0 });
  });

  it('is throttled by the simulator on a burst above the budget when the gate is off', async () => {
    const before = throttledAtSim();
    const pool = simPool({ retry: { maxRetries: 0 } });
    const results = await storm(pool, BUDGET_PER_SECOND * 2 + 5);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((r) => classifyConnectFailure(r.reason) === 'throttled')).toBe(true);
    expect(throttledAtSim() - before).toBe(rejected.length);
  });

  it('is not throttled on the same burst when the gate paces at the budget', async () => {
    const before = throttledAtSim();
    const gate: BudgetGate = createTokenBucketGate({ ratePerSecond: BUDGET_PER_SECOND });
    const pool = simPool({ gate, retry: { maxRetries: 0 } });
    const results = await storm(pool, BUDGET_PER_SECOND * 2 + 5);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(throttledAtSim() - before).toBe(0);
    expect(pool.iamCounters.gateWaits).toBeGreaterThan(0);
  }, 15_000);

  it('recovers a throttled burst through backoff retries when the gate is off', async () => {
    const pool = simPool({ retry: { baseDelayMs: 200, maxDelayMs: 1_000 } });
    const results = await storm(pool, BUDGET_PER_SECOND * 2);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(pool.iamCounters.throttled).toBeGreaterThan(0);
    expect(pool.iamCounters.retries).toBe(pool.iamCounters.throttled);
  }, 15_000);

  it('keeps its connection through a SQL error instead of paying another IAM login', async () => {
    const pool = simPool({ pg: { max: 1 } });
    await pool.query('SELECT 1');
    await expect(pool.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
    await pool.query('SELECT 1');
    expect(pool.iamCounters.established).toBe(1);
    expect(pool.iamCounters.keptAfterStatementError).toBe(1);
  });

  it('still destroys a connection released inside a failed transaction', async () => {
    const pool = simPool({ pg: { max: 1 } });
    const client = await pool.connect();
    await client.query('BEGIN');
    const failure = await client.query('SELECT 1 / 0').catch((error: unknown) => error as Error);
    client.release(failure as Error);
    await pool.query('SELECT 1');
    expect(pool.iamCounters.established).toBe(2);
    expect(pool.iamCounters.keptAfterStatementError).toBe(0);
  });
});

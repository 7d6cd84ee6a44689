import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRdsSim, type RdsSim } from './rds-sim';
import { THROTTLING_DETAIL } from './session/serve-client';
import { clientConfig, signToken, type LoginError } from './test-support/iam-client';

/**
 * The instance clock is frozen, so the budget never refills on its own:
 * what is admitted depends on counts alone, never on how fast this machine is.
 */
describe('the IAM authentication budget of a simulated instance', () => {
  let nowMs = Date.now();
  let first: RdsSim;
  let second: RdsSim;

  beforeAll(async () => {
    first = await startRdsSim({ authRatePerSecond: 5, clock: () => nowMs });
    // A second instance on the same PostgreSQL: another endpoint, database and budget.
    second = await startRdsSim({
      upstream: first.upstream,
      authRatePerSecond: 5,
      iamUsers: ['kong_iam_b'],
      passwordUsers: [],
      database: 'kong_b',
      maxTlsVersion: 'TLSv1.3',
      clock: () => nowMs,
    });
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** Fires `count` IAM logins at once; returns the connected clients and the errors. */
  async function burst(sim: RdsSim, count: number): Promise<{ admitted: pg.Client[]; refused: LoginError[] }> {
    const outcomes = await Promise.all(
      Array.from({ length: count }, async () => {
        const client = new pg.Client(clientConfig(sim, { password: await signToken(sim) }));
        client.on('error', () => undefined);
        return client.connect().then(
          () => client,
          (error: unknown) => error as LoginError,
        );
      }),
    );
    return {
      admitted: outcomes.filter((o): o is pg.Client => o instanceof pg.Client),
      refused: outcomes.filter((o): o is LoginError => !(o instanceof pg.Client)),
    };
  }

  const endAll = (clients: pg.Client[]): Promise<unknown> => Promise.all(clients.map((c) => c.end()));

  it('admits one second of budget from a burst of 20 and throttles the other 15 with the RDS error', async () => {
    nowMs += 10_000; // a full bucket
    const before = first.counters().totals;
    const { admitted, refused } = await burst(first, 20);
    await endAll(admitted);
    expect(admitted).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: '28P01',
        message: `PAM authentication failed for user "${first.iamUser}"`,
        detail: THROTTLING_DETAIL,
      });
    }
    const after = first.counters().totals;
    expect(after.IamDbAuthConnectionRequests - before.IamDbAuthConnectionRequests).toBe(20);
    expect(after.IamDbAuthConnectionSuccess - before.IamDbAuthConnectionSuccess).toBe(5);
    expect(after.IamDbAuthConnectionFailureThrottling - before.IamDbAuthConnectionFailureThrottling).toBe(15);
    expect(after.IamDbAuthConnectionFailure - before.IamDbAuthConnectionFailure).toBe(15);
  });

  it('shows the throttled second in the per-second series', async () => {
    nowMs += 10_000;
    const { admitted } = await burst(first, 8);
    await endAll(admitted);
    const current = first.counters().perSecond.at(-1);
    expect(current).toMatchObject({
      epochSecond: Math.floor(nowMs / 1000),
      IamDbAuthConnectionRequests: 8,
      IamDbAuthConnectionSuccess: 5,
      IamDbAuthConnectionFailureThrottling: 3,
    });
  });

  it('applies a rate changed at runtime', async () => {
    first.setAuthRatePerSecond(2);
    nowMs += 10_000;
    const { admitted, refused } = await burst(first, 6);
    await endAll(admitted);
    first.setAuthRatePerSecond(5);
    expect([admitted.length, refused.length]).toEqual([2, 4]);
    expect(first.authRatePerSecond).toBe(5);
  });

  it('keeps separate budgets for two instances in one process', async () => {
    nowMs += 10_000;
    const exhausted = await burst(first, 10);
    const other = await burst(second, 5);
    await endAll([...exhausted.admitted, ...other.admitted]);
    expect(exhausted.admitted).toHaveLength(5);
    expect(other.admitted).toHaveLength(5);
    expect(second.counters().totals.IamDbAuthConnectionFailureThrottling).toBe(0);
  });

  it('offers TLS 1.3 only where configured', async () => {
    nowMs += 10_000;
    const tls13 = async (sim: RdsSim): Promise<string> => {
      const base = clientConfig(sim, { password: await signToken(sim) });
      const client = new pg.Client({
        ...base,
        ssl: { ca: sim.caPem, servername: sim.endpointHost, minVersion: 'TLSv1.3' },
      });
      client.on('error', () => undefined);
      return client.connect().then(
        () => client.end().then(() => 'connected'),
        (error: unknown) => (error as Error).message,
      );
    };
    expect(await tls13(second)).toBe('connected');
    expect(await tls13(first)).toMatch(/protocol version|unsupported protocol/i);
  });

  it('gives each instance its own endpoint, database and instance id', () => {
    expect(second.endpointHost).not.toBe(first.endpointHost);
    expect(second.instanceId).not.toBe(first.instanceId);
    expect([first.database, second.database]).toEqual(['kong', 'kong_b']);
  });
});

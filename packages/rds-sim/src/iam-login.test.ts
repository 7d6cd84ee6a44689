import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRdsSim, type RdsSim } from './rds-sim';
import type { IamAuthMetric } from './metrics/counters';
import type { SimCredential } from './sigv4/verify-rds-token';
import { clientConfig, connectIam, loginError, signToken } from './test-support/iam-client';

const temporary: SimCredential = {
  accessKeyId: 'ASIASIMTEMPORARY0001',
  secretAccessKey: 'c2ltdWxhdG9yLXRlbXBvcmFyeS1zZWNyZXQta2V5',
  sessionToken: 'IQoJb3JpZ2luX2VjSIMULATED//session+token==',
};
const longTerm: SimCredential = {
  accessKeyId: 'AKIASIMLONGTERM00001',
  secretAccessKey: 'bG9uZy10ZXJtLXNpbXVsYXRvci1zZWNyZXQta2V5',
};
const PAM_FAILED = 'PAM authentication failed for user "kong_iam"';

describe('IAM logins at a simulated RDS instance: tokens, failures and counters', () => {
  let sim: RdsSim;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    sim = await startRdsSim({
      credentials: [longTerm, temporary],
      iamUsers: ['kong_iam', 'kong_iam_b'],
      clock: () => Date.now() + clockOffsetMs,
    });
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
  });

  /** Runs `action` and returns how much each IAM counter moved. */
  async function countersMovedBy(action: () => Promise<unknown>): Promise<Record<IamAuthMetric, number>> {
    const before = sim.counters().totals;
    await action();
    const after = sim.counters().totals;
    return Object.fromEntries(
      Object.entries(after)
        .filter(([name]) => name !== 'DatabaseConnections')
        .map(([name, value]) => [name, value - before[name as IamAuthMetric]]),
    ) as Record<IamAuthMetric, number>;
  }

  it('lets an IAM user in with a token from @aws-sdk/rds-signer, over TLS verified for the endpoint name', async () => {
    const client = await connectIam(sim);
    const { rows } = await client.query<{ user: string; db: string }>(
      'SELECT current_user AS user, current_database() AS db',
    );
    await client.end();
    expect(rows[0]).toEqual({ user: 'kong_iam', db: 'kong' });
  });

  it.each([
    [
      'a tampered signature',
      async (s: RdsSim) =>
        (await signToken(s)).replace(
          /X-Amz-Signature=(.)/,
          (_m, c: string) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`,
        ),
    ],
    ['a token for another user', (s: RdsSim) => signToken(s, { username: 'kong_iam_b' })],
    [
      'a token for another host',
      (s: RdsSim) => signToken(s, { hostname: 'sim-9.abcdefghijkl.us-east-1.rds.amazonaws.com' }),
    ],
    ['a token for another port', (s: RdsSim) => signToken(s, { port: s.endpointPort + 1 })],
    ['a token for another region', (s: RdsSim) => signToken(s, { region: 'eu-west-1' })],
    ['a plain password', () => Promise.resolve('kong-password')],
  ])('refuses %s with the RDS PAM failure, counted as InvalidToken', async (_name, makePassword) => {
    const password = await makePassword(sim);
    let error: Awaited<ReturnType<typeof loginError>> | undefined;
    const moved = await countersMovedBy(async () => (error = await loginError(clientConfig(sim, { password }))));
    expect(error).toMatchObject({ severity: 'FATAL', code: '28P01', message: PAM_FAILED });
    expect(moved).toMatchObject({
      IamDbAuthConnectionRequests: 1,
      IamDbAuthConnectionFailure: 1,
      IamDbAuthConnectionFailureInvalidToken: 1,
      IamDbAuthConnectionSuccess: 0,
    });
  });

  it('refuses an expired token (the instance clock is 15 minutes and a second past its date)', async () => {
    const password = await signToken(sim);
    clockOffsetMs = 901_000;
    try {
      expect(await loginError(clientConfig(sim, { password }))).toMatchObject({ code: '28P01', message: PAM_FAILED });
      expect(sim.counters().recentFailures.at(-1)?.reason).toMatch(/^expired at /);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('refuses an unknown access key, counted as InsufficientPermissions', async () => {
    const stranger = { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 'c3RyYW5nZXI=' };
    const password = await signToken(sim, { credentials: stranger });
    let error: Awaited<ReturnType<typeof loginError>> | undefined;
    const moved = await countersMovedBy(async () => (error = await loginError(clientConfig(sim, { password }))));
    expect(error).toMatchObject({ code: '28P01', message: PAM_FAILED });
    expect(moved).toMatchObject({
      IamDbAuthConnectionFailure: 1,
      IamDbAuthConnectionFailureInsufficientPermissions: 1,
    });
  });

  it('accepts temporary (session-token) credentials', async () => {
    const client = await connectIam(sim, { credentials: temporary });
    await client.end();
  });

  it('refuses temporary credentials with a wrong session token', async () => {
    const password = await signToken(sim, { credentials: { ...temporary, sessionToken: 'forged' } });
    expect(await loginError(clientConfig(sim, { password }))).toMatchObject({ code: '28P01', message: PAM_FAILED });
  });

  it('relays the upstream refusal of a missing database after a valid token (counted as a success)', async () => {
    let error: Awaited<ReturnType<typeof loginError>> | undefined;
    const password = await signToken(sim);
    const moved = await countersMovedBy(
      async () => (error = await loginError(clientConfig(sim, { password, database: 'nope' }))),
    );
    expect(error).toMatchObject({ code: '3D000', message: 'database "nope" does not exist' });
    expect(moved).toMatchObject({
      IamDbAuthConnectionRequests: 1,
      IamDbAuthConnectionSuccess: 1,
      IamDbAuthConnectionFailure: 0,
    });
  });

  it('with IAM database authentication off, takes a valid token as a password and refuses it, as RDS does', async () => {
    const password = await signToken(sim);
    sim.setIamDatabaseAuthenticationEnabled(false);
    try {
      expect(await loginError(clientConfig(sim, { password }))).toMatchObject({
        code: '28P01',
        message: 'password authentication failed for user "kong_iam"',
      });
    } finally {
      sim.setIamDatabaseAuthenticationEnabled(true);
    }
    const client = await connectIam(sim);
    await client.end();
  });

  it('decides IAM-only logins by rds_iam membership in the database, like RDS', async () => {
    const admin = new pg.Client({ ...sim.upstream, database: 'postgres' });
    await admin.connect();
    await admin.query('DROP ROLE IF EXISTS late_iam; CREATE ROLE late_iam LOGIN; GRANT rds_iam TO late_iam');
    await admin.end();
    const client = await connectIam(sim, { user: 'late_iam', username: 'late_iam' });
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    await client.end();
    expect(rows[0]?.user).toBe('late_iam');
  });

  it('counts requests and successes under the CloudWatch names, per second and in total', async () => {
    const moved = await countersMovedBy(async () => {
      for (let i = 0; i < 3; i += 1) await (await connectIam(sim)).end();
    });
    expect(moved).toMatchObject({
      IamDbAuthConnectionRequests: 3,
      IamDbAuthConnectionSuccess: 3,
      IamDbAuthConnectionFailure: 0,
    });
    const { perSecond, totals } = sim.counters();
    const windowSuccesses = perSecond.reduce((sum, second) => sum + second.IamDbAuthConnectionSuccess, 0);
    expect(windowSuccesses).toBeGreaterThanOrEqual(3);
    expect(windowSuccesses).toBeLessThanOrEqual(totals.IamDbAuthConnectionSuccess);
  });

  it('reports DatabaseConnections as the current level and new connections by client address', async () => {
    // Earlier tests' sockets close asynchronously: start from a quiet instance.
    await vi.waitFor(() => expect(sim.counters().totals.DatabaseConnections).toBe(0));
    const before = sim.counters();
    const client = await connectIam(sim);
    const during = sim.counters();
    await client.end();
    expect(during.totals.DatabaseConnections).toBe(1);
    expect(during.newConnectionsByClientAddress['127.0.0.1']).toBe(
      (before.newConnectionsByClientAddress['127.0.0.1'] ?? 0) + 1,
    );
    await vi.waitFor(() => expect(sim.counters().totals.DatabaseConnections).toBe(0));
  });

  it('serves the counters over HTTP as JSON and in GetMetricData shape', async () => {
    await (await connectIam(sim)).end();
    const json = (await (await fetch(sim.metricsUrl)).json()) as { instanceId: string; totals: Record<string, number> };
    const shaped = (await (await fetch(`${sim.metricsUrl}?format=cloudwatch`)).json()) as {
      MetricDataResults: Array<{ Label: string; Values: number[]; Timestamps: string[] }>;
    };
    expect(json.instanceId).toBe(sim.instanceId);
    expect(json.totals.IamDbAuthConnectionSuccess).toBeGreaterThan(0);
    const success = shaped.MetricDataResults.find((r) => r.Label === 'IamDbAuthConnectionSuccess');
    expect(success?.Values).toHaveLength(60);
    expect(success?.Values.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

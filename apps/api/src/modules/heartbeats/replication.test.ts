import type { AlarmList, RateSeries } from '@iamroll/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { createTestAppOn, eventually, type TestApp } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock, registerDatabase } from './heartbeat-fixtures';

describe('several API processes', () => {
  let databaseId: string;
  const clock = manualClock();
  const a = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
  const b = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now }, { sameDatabaseAs: a });

  beforeAll(async () => {
    databaseId = await registerDatabase(a.app, (await a.admin()).headers, { identifier: 'shared-db' });
  });

  const ratesOn = async (t: TestApp, path: string, fromMs: number, seconds: number) => {
    const response = await t.app.inject({
      method: 'GET',
      url: `${path}?from=${fromMs}&to=${fromMs + seconds * 1000}&step=1`,
      headers: (await t.admin()).headers,
    });
    return response.statusCode === 200 ? response.json<RateSeries>().points.map((point) => point.rate) : [];
  };
  /** Node entries sent and applied, from a process's /metrics (one per node heard in a flush). */
  const forwarded = async (t: TestApp) => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const read = (direction: string) =>
      Number(
        new RegExp(`^iamroll_fleet_replicated\\{direction="${direction}",part="nodes"\\} (\\d+)`, 'm').exec(
          text,
        )?.[1] ?? NaN,
      );
    return { sent: read('sent'), received: read('received') };
  };
  /** Waits until each process applied the node entries of `sentTo` heartbeats more than at `baseline`. */
  const replicated = async (
    baseline: { a: { received: number }; b: { received: number } },
    sentTo: { a: number; b: number },
  ) =>
    eventually(
      async () =>
        (await forwarded(a)).received - baseline.a.received >= sentTo.b &&
        (await forwarded(b)).received - baseline.b.received >= sentTo.a,
    );
  const directoryOn = async (t: TestApp, id: string) =>
    eventually(
      async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/databases/${id}/rates`,
            headers: (await t.admin()).headers,
          })
        ).statusCode === 200,
    );
  const send = async (
    t: TestApp,
    node: { nodeId: string; credential: string },
    options: Parameters<typeof heartbeatBody>[0],
  ) => {
    const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ iam: true, ...options }));
    expect(response.statusCode, response.body).toBe(200);
  };

  it("gives every process the whole fleet's rates, wherever each node's heartbeats land", async () => {
    const x = await enrollNode(a.app, TEST_ENROLLMENT_TOKEN, 'kong-x');
    const y = await enrollNode(b.app, TEST_ENROLLMENT_TOKEN, 'kong-y');
    const roaming = await enrollNode(a.app, TEST_ENROLLMENT_TOKEN, 'kong-roaming');
    // b learns of the database through the event bus.
    await eventually(
      async () =>
        (
          await b.app.inject({
            method: 'GET',
            url: `/api/v1/databases/${databaseId}/rates`,
            headers: (await b.admin()).headers,
          })
        ).statusCode === 200,
    );

    const t0 = clock.now() + 1_000;
    const baseline = { a: await forwarded(a), b: await forwarded(b) };
    let sentTo = { a: 0, b: 0 };
    for (let i = 0; i <= 10; i++) {
      clock.set(t0 + i * 1_000);
      await send(a, x, { seq: i + 1, attempts: i * 4 });
      await send(b, y, { seq: i + 1, attempts: i * 6 });
      // One node whose heartbeats alternate between the processes (a load balancer without affinity).
      await send(i % 2 === 0 ? a : b, roaming, { seq: i + 1, attempts: i * 10 });
      sentTo = i % 2 === 0 ? { a: sentTo.a + 2, b: sentTo.b + 1 } : { a: sentTo.a + 1, b: sentTo.b + 2 };
      // Real agents beat once a second, far longer than a flush takes: wait for it, as they would.
      await replicated(baseline, sentTo);
    }
    const expected = Array.from({ length: 10 }, () => 4 + 6 + 10);
    for (const t of [a, b]) {
      await eventually(
        async () =>
          JSON.stringify(await ratesOn(t, `/api/v1/databases/${databaseId}/rates`, t0, 10)) ===
          JSON.stringify(expected),
      );
      await eventually(async () =>
        (await ratesOn(t, `/api/v1/nodes/${roaming.nodeId}/rates`, t0, 10)).every((rate) => rate === 10),
      );
    }
  });

  it('lets the leader open alarms for heartbeats another process received', async () => {
    await eventually(() => a.app.leader.isLeader || b.app.leader.isLeader);
    const follower = a.app.leader.isLeader ? b : a;
    const node = await enrollNode(follower.app, TEST_ENROLLMENT_TOKEN, 'kong-follower');
    await send(follower, node, { seq: 1 });
    clock.advance(1_000);
    await send(follower, node, { seq: 2, attempts: 5, failures: { throttled: 2, notAuthorized: 1 } });
    const openKeys = async (t: TestApp) =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: (await t.admin()).headers }))
        .json<AlarmList>()
        .items.map((alarm) => alarm.key);
    await eventually(async () => {
      const keys = await openKeys(follower);
      return keys.includes(`db-rate-critical:${databaseId}`) && keys.includes(`node-auth-failures:${node.nodeId}`);
    });
    // Once, though both processes hold the heartbeat (received by one, forwarded to the other).
    const leader = follower === a ? b : a;
    // The forwarded throttle nudged the leader's evaluation, as the follower's own did nothing there.
    expect(leader.app.fleet.alarmNudge.count).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // more passes of the leader
    const { rows } = await a.app.pg.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM alarms WHERE key = ANY($1::text[]) GROUP BY key`,
      [[`db-rate-critical:${databaseId}`, `node-auth-failures:${node.nodeId}`]],
    );
    expect(rows.map((row) => row.n)).toEqual([1, 1]);
  });

  it('counts a storm split over both processes once per second on both, and opens its critical alarm once', async () => {
    const host = 'storm-db.abc.us-east-1.rds.amazonaws.com';
    const stormId = await registerDatabase(a.app, (await a.admin()).headers, {
      identifier: 'storm-db',
      host,
      budgetPerSecond: 100,
    });
    await directoryOn(b, stormId);
    const nodes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        enrollNode(i % 2 === 0 ? a.app : b.app, TEST_ENROLLMENT_TOKEN, `storm-${i}`),
      ),
    );
    const t0 = clock.now() + 1_000;
    const baseline = { a: await forwarded(a), b: await forwarded(b) };
    let sentTo = { a: 0, b: 0 };
    for (let i = 0; i <= 4; i++) {
      clock.set(t0 + i * 1_000);
      // Half the storm's nodes on each process, 10 new IAM logins a second each: 120/s against 100/s.
      for (const [index, node] of nodes.entries())
        await send(index % 2 === 0 ? a : b, node, { seq: i + 1, attempts: i * 10, host });
      sentTo = { a: sentTo.a + nodes.length / 2, b: sentTo.b + nodes.length / 2 };
      await replicated(baseline, sentTo);
    }
    const expected = [120, 120, 120, 120];
    for (const t of [a, b])
      await eventually(
        async () =>
          JSON.stringify(await ratesOn(t, `/api/v1/databases/${stormId}/rates`, t0, 4)) === JSON.stringify(expected),
      );
    const key = `db-rate-critical:${stormId}`;
    const opened = async () =>
      (await a.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM alarms WHERE key = $1', [key])).rows[0]?.n;
    await eventually(async () => (await opened()) === 1);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // more flushes and passes of the leader
    for (const t of [a, b]) expect(await ratesOn(t, `/api/v1/databases/${stormId}/rates`, t0, 4)).toEqual(expected);
    expect(await opened()).toBe(1);
  });

  it("publishes a late heartbeat's seconds again, so the other process corrects a second it already showed", async () => {
    const host = 'late-db.abc.us-east-1.rds.amazonaws.com';
    const lateId = await registerDatabase(a.app, (await a.admin()).headers, { identifier: 'late-db', host });
    await directoryOn(a, lateId);
    const steady = await enrollNode(b.app, TEST_ENROLLMENT_TOKEN, 'kong-steady');
    const late = await enrollNode(b.app, TEST_ENROLLMENT_TOKEN, 'kong-late');
    const t0 = clock.now() + 1_000;
    const sentAtMs = 1_900_000_000_000;
    clock.set(t0);
    await send(b, steady, { seq: 1, host });
    await send(b, late, { seq: 1, host, sentAtMs });
    clock.set(t0 + 1_000);
    await send(b, steady, { seq: 2, attempts: 6, host });
    // a shows the second t0 with what it held when it closed.
    await eventually(async () => (await ratesOn(a, `/api/v1/databases/${lateId}/rates`, t0, 1))[0] === 6);
    // Then a heartbeat covering that second and the next arrives (20 logins over 2 s, on the agent's clock).
    clock.set(t0 + 2_000);
    await send(b, late, { seq: 2, attempts: 20, host, sentAtMs: sentAtMs + 2_000 });
    expect(await ratesOn(b, `/api/v1/databases/${lateId}/rates`, t0, 2)).toEqual([16, 10]);
    await eventually(
      async () => JSON.stringify(await ratesOn(a, `/api/v1/databases/${lateId}/rates`, t0, 2)) === '[16,10]',
    );
    // The node's own series reached a too (its rates page, pacing's recent logins).
    await eventually(
      async () => JSON.stringify(await ratesOn(a, `/api/v1/nodes/${late.nodeId}/rates`, t0, 2)) === '[10,10]',
    );
  });

  it('seeds a process that starts later with the persisted counters, so its first heartbeat is not lost', async () => {
    const x = await enrollNode(a.app, TEST_ENROLLMENT_TOKEN, 'kong-seeded');
    const t0 = clock.now() + 1_000;
    for (let i = 0; i <= 10; i++) {
      clock.set(t0 + i * 1_000);
      await send(a, x, { seq: i + 1, attempts: i * 4 });
    }
    // x's last heartbeat (seq 11, 40 attempts) was received by a; its batch write carries the counters.
    await eventually(
      async () =>
        (await a.app.pg.query('SELECT last_seq FROM nodes WHERE id = $1', [x.nodeId])).rows[0]?.last_seq === 11,
    );
    const c = await createTestAppOn(a.database, { enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
    try {
      const fromMs = clock.now();
      clock.advance(1_000);
      await send(c, x, { seq: 12, attempts: 44 });
      expect(await ratesOn(c, `/api/v1/nodes/${x.nodeId}/rates`, fromMs, 1)).toEqual([4]);
    } finally {
      await c.close();
    }
  });
});

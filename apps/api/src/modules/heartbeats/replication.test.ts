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
  /** The forwarding counters from a process's /metrics. */
  const forwarded = async (t: TestApp) => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const read = (direction: string) =>
      Number(
        new RegExp(`^iamroll_fleet_records_forwarded\\{direction="${direction}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN,
      );
    return { sent: read('sent'), received: read('received') };
  };
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
      // Real agents beat once a second, far longer than forwarding takes: wait for it, as they would.
      await eventually(
        async () =>
          (await forwarded(a)).received - baseline.a.received >= sentTo.b &&
          (await forwarded(b)).received - baseline.b.received >= sentTo.a,
      );
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

import type { DatabaseView, ErrorBody, RateSeries, ServerEvent } from '@iamroll/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock, registerDatabase } from '../heartbeats/heartbeat-fixtures';

const START_MS = 1_800_000_000_000;
const HOUR_MS = 3_600_000;

describe('rates through the API', () => {
  let databaseId: string;
  const clock = manualClock(START_MS);
  let hostCounter = 0;

  // Each test starts from the same time on a new app and database: first the clock, then the app.
  beforeEach(() => clock.set(START_MS));
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now }, { isFreshPerTest: true });

  beforeEach(async () => {
    databaseId = await registerDatabase(t.app, (await t.admin()).headers, { identifier: 'rates-db' });
  });

  const get = async <T>(url: string) => {
    const response = await t.app.inject({ method: 'GET', url, headers: (await t.admin()).headers });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json<T>();
  };
  /** Per-second counts of [fromMs, fromMs + seconds s) at 1 s resolution. */
  const perSecond = async (path: string, fromMs: number, seconds: number) => {
    const series = await get<RateSeries>(`${path}?from=${fromMs}&to=${fromMs + seconds * 1000}&step=1`);
    expect(series.resolution).toBe(1);
    return series.points.map((point) => point.rate);
  };
  /** Sends one heartbeat at `atMs` on the controller's clock. */
  const at = async (
    atMs: number,
    node: { nodeId: string; credential: string },
    options: Parameters<typeof heartbeatBody>[0],
  ) => {
    clock.set(atMs);
    const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ iam: true, ...options }));
    expect(response.statusCode, response.body).toBe(200);
  };

  it('counts a delta once through duplicates, late heartbeats and an agent restart', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const t0 = START_MS + 10_000;
    await at(t0, node, { seq: 1, attempts: 100 }); // baseline: counts before it are unknown
    await at(t0 + 1_000, node, { seq: 2, attempts: 110 }); // +10 in [t0, t0+1s)
    await at(t0 + 1_200, node, { seq: 2, attempts: 110 }); // retried POST: a duplicate
    await at(t0 + 2_000, node, { seq: 4, attempts: 130 }); // seq 3 is late: +20 over the 2 s since seq 2
    await at(t0 + 2_100, node, { seq: 3, attempts: 120 }); // ... and arrives now: ignored
    await at(t0 + 3_000, node, { seq: 1, attempts: 7, bootId: 'boot-0002', sentAtMs: START_MS + 10_000_000 }); // agent restarted: 7 since
    await at(t0 + 4_000, node, { seq: 2, attempts: 9, bootId: 'boot-0002', sentAtMs: START_MS + 10_001_000 }); // +2

    expect(await perSecond(`/api/v1/nodes/${node.nodeId}/rates`, t0 - 1_000, 6)).toEqual([0, 20, 10, 7, 2, 0]);
    clock.set(t0 + 30_000);
  });

  it("makes a database's rate the sum of its nodes' IAM rates", async () => {
    // The node the first test leaves on the database (one baseline heartbeat), then that test's end time.
    await at(START_MS + 10_000, await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`), { seq: 1 });
    clock.set(START_MS + 40_000);
    const a = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const b = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const passwordNode = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const t0 = clock.now() + 1_000;
    for (let i = 0; i <= 12; i++) {
      await at(t0 + i * 1_000, a, { seq: i + 1, attempts: i * 3 });
      await at(t0 + i * 1_000 + 10, b, { seq: i + 1, attempts: i * i });
      await at(t0 + i * 1_000 + 20, passwordNode, { seq: i + 1, attempts: i * 50, iam: false });
    }
    const [nodeA, nodeB, database] = await Promise.all([
      perSecond(`/api/v1/nodes/${a.nodeId}/rates`, t0, 12),
      perSecond(`/api/v1/nodes/${b.nodeId}/rates`, t0, 12),
      perSecond(`/api/v1/databases/${databaseId}/rates`, t0, 12),
    ]);
    expect(database).toEqual(nodeA.map((rate, i) => rate + (nodeB[i] ?? 0)));
    expect(nodeA.every((rate) => rate === 3)).toBe(true);

    clock.set(t0 + 12_500);
    const view = await get<DatabaseView>(`/api/v1/databases/${databaseId}`);
    const window = database.slice(1, 11); // the 10 settled seconds before the current one
    expect(view.ratePerSecond).toBeCloseTo(window.reduce((sum, rate) => sum + rate, 0) / 10, 6);
    expect(view.peakPerSecond).toBe(Math.max(...database));
    // With the first test's node: three on IAM, one on passwords.
    await eventually(async () => (await get<DatabaseView>(`/api/v1/databases/${databaseId}`)).nodes.total === 4);
    expect((await get<DatabaseView>(`/api/v1/databases/${databaseId}`)).nodes).toEqual({
      total: 4,
      rw: { password: 1, iam: 3 },
      ro: { password: 0, iam: 0 },
    });
    const series = await get<RateSeries>(
      `/api/v1/databases/${databaseId}/rates?from=${new Date(t0).toISOString()}&to=${t0 + 12_000}&step=4`,
    );
    expect(series).toMatchObject({ budgetPerSecond: 200, resolution: 1 });
    expect(series.points.map((point) => point.t)).toEqual([t0, t0 + 4_000, t0 + 8_000]);
    expect(series.points[2]?.peak).toBe(Math.max(...database.slice(8, 12)));
  });

  it('persists completed 10 s and 1 min buckets, and serves older ranges from them', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const t0 = Math.ceil((clock.now() + 1_000) / 60_000) * 60_000;
    for (let i = 0; i <= 60; i++) await at(t0 + i * 1_000, node, { seq: i + 1, attempts: i * 6 });
    clock.set(t0 + 75_000);
    const stored = async (resolution: number) =>
      (
        await t.app.pg.query<{ sum: number; max: number }>(
          `SELECT sum, max FROM rate_samples WHERE series_id = $1 AND resolution_seconds = $2 AND bucket_start >= to_timestamp($3 / 1000.0) ORDER BY bucket_start`,
          [node.nodeId, resolution, t0],
        )
      ).rows;
    await eventually(async () => (await stored(60)).length > 0 && (await stored(10)).length >= 6);
    expect((await stored(10)).slice(0, 6)).toEqual(Array.from({ length: 6 }, () => ({ sum: 60, max: 6 })));
    expect((await stored(60))[0]).toEqual({ sum: 360, max: 6 });

    // Two hours later the seconds have left memory: the same range comes from the 10 s buckets.
    clock.set(t0 + 2 * HOUR_MS);
    const older = await get<RateSeries>(`/api/v1/nodes/${node.nodeId}/rates?from=${t0}&to=${t0 + 60_000}&step=20`);
    expect(older.resolution).toBe(10);
    expect(older.points).toEqual([0, 1, 2].map((i) => ({ t: t0 + i * 20_000, rate: 6, peak: 6 })));
    // Two days later, only the 1 min buckets hold it.
    clock.set(t0 + 48 * HOUR_MS);
    const oldest = await get<RateSeries>(`/api/v1/databases/${databaseId}/rates?from=${t0}&to=${t0 + 120_000}`);
    expect(oldest.resolution).toBe(60);
    expect(oldest.points[0]).toEqual({ t: t0, rate: 6, peak: 6 });
    await eventually(async () => (await stored(10)).length === 0); // past the 10 s tier's day of retention
  });

  it('refuses ranges it cannot answer, naming the parameter', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
    const bad = async (query: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/nodes/${node.nodeId}/rates?${query}`,
        headers: (await t.admin()).headers,
      });
      expect(response.statusCode, query).toBe(400);
      return response.json<ErrorBody>().error.fields?.[0]?.path;
    };
    expect(await bad('from=yesterday')).toBe('query.from');
    expect(await bad('from=2000&to=1000')).toBe('query.from');
    expect(await bad(`from=0&to=${clock.now()}&step=1`)).toBe('query.step');
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes/00000000-0000-4000-8000-000000000000/rates',
      headers: (await t.admin()).headers,
    });
    expect(missing.statusCode).toBe(404);
  });

  it("publishes rates.tick once a second with every database's current rate", async () => {
    const ticks: ServerEvent[] = [];
    const stop = t.app.events.subscribe((event) => {
      if (event.type === 'rates.tick') ticks.push(event);
    });
    try {
      await eventually(() => ticks.length >= 2);
      expect(ticks[0]?.data).toEqual({
        t: expect.any(Number),
        databases: [{ id: databaseId, ratePerSecond: expect.any(Number), budgetPerSecond: 200 }],
      });
    } finally {
      stop();
    }
  });
});

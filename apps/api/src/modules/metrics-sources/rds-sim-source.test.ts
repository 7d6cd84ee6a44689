import { describe, expect, it } from 'vitest';
import { RDS_METRICS } from './metrics-source';
import { createRdsSimSource } from './rds-sim-source';
import { sourceDatabase } from './test-fixtures';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0) / 1000;

/** The simulator's `GET /metrics` JSON: the last seconds under CloudWatch's names. */
function simCounters(instanceId: string, seconds: number) {
  return {
    instanceId,
    perSecond: Array.from({ length: seconds }, (_, i) => ({
      epochSecond: T0 + i,
      ...Object.fromEntries(RDS_METRICS.map((metric) => [metric, 0])),
      IamDbAuthConnectionRequests: 10,
      IamDbAuthConnectionFailureThrottling: i === 3 ? 2 : 0,
      DatabaseConnections: 100 + i,
    })),
  };
}

const fetchOf = (bodies: Record<string, unknown>) =>
  ((url: string) =>
    Promise.resolve(
      bodies[url] === undefined
        ? new Response('nope', { status: 503 })
        : new Response(JSON.stringify(bodies[url]), { status: 200 }),
    )) as unknown as typeof fetch;

describe('the RDS simulator metrics source', () => {
  it('folds whole periods of the per-second counters into CloudWatch-shaped datapoints (Sum; Maximum for connections)', async () => {
    const database = sourceDatabase(1, { identifier: 'orders' });
    const source = createRdsSimSource(
      ['http://sim/metrics'],
      fetchOf({ 'http://sim/metrics': simCounters('orders', 12) }),
    );
    const result = await source.fetch([database], { startMs: T0 * 1000, endMs: (T0 + 12) * 1000, periodSeconds: 5 });
    expect(result.error).toBeUndefined();
    const requests = result.datapoints.filter((p) => p.metric === 'IamDbAuthConnectionRequests');
    // Seconds 0–4 and 5–9 are whole; 10–11 are not reported.
    expect(requests).toEqual([
      { databaseId: database.id, metric: 'IamDbAuthConnectionRequests', bucketStartMs: T0 * 1000, value: 50 },
      { databaseId: database.id, metric: 'IamDbAuthConnectionRequests', bucketStartMs: (T0 + 5) * 1000, value: 50 },
    ]);
    expect(result.datapoints.find((p) => p.metric === 'IamDbAuthConnectionFailureThrottling')?.value).toBe(2);
    expect(result.datapoints.find((p) => p.metric === 'DatabaseConnections')?.value).toBe(104);
  });

  it('ignores simulators of unregistered instances and reports one that does not answer', async () => {
    const source = createRdsSimSource(
      ['http://sim-a/metrics', 'http://sim-b/metrics'],
      fetchOf({ 'http://sim-a/metrics': simCounters('someone-else', 10) }),
    );
    const result = await source.fetch([sourceDatabase(1)], {
      startMs: T0 * 1000,
      endMs: (T0 + 10) * 1000,
      periodSeconds: 5,
    });
    expect(result.datapoints).toEqual([]);
    expect(result.error?.message).toMatch(/sim-b.*503/);
  });
});

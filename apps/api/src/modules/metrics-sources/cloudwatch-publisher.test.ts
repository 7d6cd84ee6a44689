import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { FleetRates } from '@iamroll/core/rates';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudWatchClients } from './cloudwatch-clients';
import { batchDatums, createPublisher, MAX_DATUMS_PER_REQUEST, MAX_REQUEST_BYTES } from './cloudwatch-publisher';
import { sourceDatabase, TEST_CREDENTIALS } from './test-fixtures';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const second0 = T0 / 1000;

/** Per-second counts by series: the database's IAM attempts, and nodes' rw connections. */
function fakeFleet(databaseCounts: Record<string, (second: number) => number>, nodeCounts: Record<string, number[]>) {
  const series = (count: (second: number) => number) => ({ countAt: count });
  return {
    database: (id: string) => (databaseCounts[id] ? { iamAttempts: series(databaseCounts[id]) } : undefined),
    nodeSeries: (id: string, kind: string) =>
      kind === 'rw' && nodeCounts[id] ? series((second) => nodeCounts[id]![second - second0] ?? 0) : undefined,
  } as unknown as FleetRates;
}

const calls = () => cloudWatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);

describe('publishing local rates (PutMetricData)', () => {
  it('sends one 1 s datum per database second and one Values/Counts datum per node, in the namespace', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const database = sourceDatabase(1);
    const clock = { now: T0 + 12_500 };
    const publish = createPublisher({
      clients: createCloudWatchClients({ credentials: TEST_CREDENTIALS }),
      namespace: 'Iamroll',
      fleet: fakeFleet({ [database.id]: (s) => (s === second0 + 3 ? 150 : 10) }, { 'node-a': [1, 1, 4, 0, 0, 1] }),
      databases: () => Promise.resolve([database]),
      nodes: () => [{ id: 'node-a' }],
      startedAtMs: T0,
      periodSeconds: 60,
      nowMs: () => clock.now,
    });
    await publish(new AbortController().signal);
    const [input] = calls();
    expect(input?.Namespace).toBe('Iamroll');
    const data = input?.MetricData ?? [];
    // Seconds [T0, now − 2 s): 10 of them.
    const databaseData = data.filter((d) => d.MetricName === 'IamConnectionRate');
    expect(databaseData).toHaveLength(10);
    expect(databaseData[3]).toEqual({
      MetricName: 'IamConnectionRate',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'kong-db-1' }],
      Timestamp: new Date(T0 + 3000),
      Value: 150,
      Unit: 'Count/Second',
      StorageResolution: 1,
    });
    const nodeData = data.filter((d) => d.MetricName === 'NodeConnectionRate');
    expect(nodeData).toEqual([
      {
        MetricName: 'NodeConnectionRate',
        Dimensions: [{ Name: 'NodeId', Value: 'node-a' }],
        Timestamp: new Date(T0),
        // 10 seconds: 0 ×6 (four after the list ends), 1 ×3, 4 ×1.
        Values: [0, 1, 4],
        Counts: [6, 3, 1],
        Unit: 'Count/Second',
        StorageResolution: 1,
      },
    ]);

    // The next pass publishes only the seconds since.
    clock.now += 5000;
    await publish(new AbortController().signal);
    const second = calls()[1]?.MetricData?.filter((d) => d.MetricName === 'IamConnectionRate') ?? [];
    expect(second.map((d) => d.Timestamp)).toEqual([10, 11, 12, 13, 14].map((s) => new Date(T0 + s * 1000)));
  });

  it('splits requests at 1,000 datums', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const databases = Array.from({ length: 25 }, (_, i) => sourceDatabase(i));
    const publish = createPublisher({
      clients: createCloudWatchClients({ credentials: TEST_CREDENTIALS }),
      namespace: 'Acme/Iamroll',
      fleet: fakeFleet({}, {}),
      databases: () => Promise.resolve(databases),
      nodes: () => [],
      startedAtMs: T0,
      periodSeconds: 60,
      nowMs: () => T0 + 62_000, // 60 seconds × 25 databases = 1,500 datums
    });
    await publish(new AbortController().signal);
    expect(calls().map((input) => input.MetricData?.length)).toEqual([1000, 500]);
    expect(calls().every((input) => input.Namespace === 'Acme/Iamroll')).toBe(true);
  });

  it('retries a failed pass whole: the seconds are not skipped', async () => {
    cloudWatch
      .on(PutMetricDataCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({});
    const database = sourceDatabase(1);
    const clock = { now: T0 + 7_000 };
    const publish = createPublisher({
      clients: createCloudWatchClients({ credentials: TEST_CREDENTIALS }),
      namespace: 'Iamroll',
      fleet: fakeFleet({ [database.id]: () => 1 }, {}),
      databases: () => Promise.resolve([database]),
      nodes: () => [],
      startedAtMs: T0,
      periodSeconds: 60,
      nowMs: () => clock.now,
    });
    await expect(publish(new AbortController().signal)).rejects.toThrow('Rate exceeded');
    clock.now += 1000;
    await publish(new AbortController().signal);
    expect(calls()[1]?.MetricData?.[0]?.Timestamp).toEqual(new Date(T0));
  });

  it('keeps each request under 1 MB however large the datums', () => {
    const big: MetricDatum = {
      MetricName: 'NodeConnectionRate',
      Dimensions: [{ Name: 'NodeId', Value: 'n'.repeat(250) }],
      Values: Array.from({ length: 150 }, (_, i) => i + 0.123456789),
      Counts: Array.from({ length: 150 }, () => 1),
    };
    const batches = batchDatums(Array.from({ length: 1000 }, () => big));
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(MAX_DATUMS_PER_REQUEST);
      expect(JSON.stringify(batch).length).toBeLessThan(MAX_REQUEST_BYTES);
    }
    expect(batches.flat()).toHaveLength(1000);
  });
});

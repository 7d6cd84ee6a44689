import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudWatchClients } from './cloudwatch-clients';
import { buildMetricQueries, createCloudWatchSource, MAX_QUERIES_PER_REQUEST } from './cloudwatch-source';
import { RDS_METRICS } from './metrics-source';
import { sourceDatabase, TEST_CREDENTIALS } from './test-fixtures';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

const window = { startMs: Date.UTC(2026, 11, 1, 10, 0), endMs: Date.UTC(2026, 11, 1, 10, 10), periodSeconds: 60 };
const source = () => createCloudWatchSource(createCloudWatchClients({ credentials: TEST_CREDENTIALS }));
const inputs = () => cloudWatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);

describe('the CloudWatch metrics source', () => {
  it('asks GetMetricData for every IAM metric and DatabaseConnections of a database, AWS/RDS by DBInstanceIdentifier', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await source().fetch([sourceDatabase(1)], window);
    const [input] = inputs() as [GetMetricDataCommandInput];
    expect(input.StartTime).toEqual(new Date(window.startMs));
    expect(input.EndTime).toEqual(new Date(window.endMs));
    expect(input.ScanBy).toBe('TimestampAscending');
    expect(input.MetricDataQueries).toEqual(
      RDS_METRICS.map((metric, j) => ({
        Id: `d0_m${j}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/RDS',
            MetricName: metric,
            Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'kong-db-1' }],
          },
          Period: 60,
          Stat: metric === 'DatabaseConnections' ? 'Maximum' : 'Sum',
        },
        ReturnData: true,
      })),
    );
    expect(input.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual([
      'IamDbAuthConnectionRequests',
      'IamDbAuthConnectionSuccess',
      'IamDbAuthConnectionFailure',
      'IamDbAuthConnectionFailureInvalidToken',
      'IamDbAuthConnectionFailureInsufficientPermissions',
      'IamDbAuthConnectionFailureThrottling',
      'IamDbAuthConnectionFailureServerError',
      'DatabaseConnections',
    ]);
  });

  it('batches databases at 500 queries per request and asks each region separately', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const east = Array.from({ length: 70 }, (_, i) => sourceDatabase(i));
    const west = [sourceDatabase(100, { region: 'eu-west-1' })];
    await source().fetch([...east, ...west], window);
    const sizes = inputs().map((input) => input.MetricDataQueries?.length);
    // 70 × 8 = 560 queries in us-east-1 → 500 + 60; 8 in eu-west-1.
    expect(sizes).toEqual([MAX_QUERIES_PER_REQUEST, 60, 8]);
    const regions = await Promise.all(
      cloudWatch.commandCalls(GetMetricDataCommand).map((call) => (call.thisValue as CloudWatchClient).config.region()),
    );
    expect(regions).toEqual(['us-east-1', 'us-east-1', 'eu-west-1']);
    // Ids are unique within a request (GetMetricData's rule) and within a region's batches.
    const eastIds = new Set(
      inputs()
        .slice(0, 2)
        .flatMap((input) => input.MetricDataQueries?.map((q) => q.Id) ?? []),
    );
    expect(eastIds.size).toBe(560);
  });

  it('maps results back to databases and metrics, following NextToken', async () => {
    const t0 = new Date(window.startMs);
    const t1 = new Date(window.startMs + 60_000);
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'd0_m0', Timestamps: [t0], Values: [1200], StatusCode: 'PartialData' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'd0_m0', Timestamps: [t1], Values: [600], StatusCode: 'Complete' },
          { Id: 'd0_m7', Timestamps: [t1], Values: [42], StatusCode: 'Complete' },
        ],
      });
    const database = sourceDatabase(1);
    const result = await source().fetch([database], window);
    expect(result.error).toBeUndefined();
    expect(result.datapoints).toEqual([
      { databaseId: database.id, metric: 'IamDbAuthConnectionRequests', bucketStartMs: t0.getTime(), value: 1200 },
      { databaseId: database.id, metric: 'IamDbAuthConnectionRequests', bucketStartMs: t1.getTime(), value: 600 },
      { databaseId: database.id, metric: 'DatabaseConnections', bucketStartMs: t1.getTime(), value: 42 },
    ]);
    expect(inputs()[1]?.NextToken).toBe('page-2');
  });

  it('keeps what other regions answered and reports the failure', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      )
      .resolves({
        MetricDataResults: [{ Id: 'd0_m0', Timestamps: [new Date(window.startMs)], Values: [5] }],
      });
    const result = await source().fetch([sourceDatabase(1), sourceDatabase(2, { region: 'eu-west-1' })], window);
    expect(result.error?.name).toBe('Throttling');
    expect(result.datapoints).toHaveLength(1);
  });

  it('builds Ids CloudWatch accepts (lower-case letter first, [a-zA-Z0-9_])', () => {
    const { batches } = buildMetricQueries([sourceDatabase(1), sourceDatabase(2)], 60);
    for (const query of batches.flat()) expect(query.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
  });
});

import { GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmList, MetricsSourceList, SourceRateSeries } from '@iamroll/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDWATCH_OFF, type CloudWatchConfig } from '../../config';
import { TEST_ENROLLMENT_TOKEN, enrollNode } from '../../test/agent';
import { startCloudWatchLoopback, type CloudWatchLoopback } from '../../test/cloudwatch-loopback';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody } from '../heartbeats/heartbeat-fixtures';
import { createCloudWatchClients } from './cloudwatch-clients';

// The real SDK client over HTTP against a loopback CloudWatch (JSON 1.0): the API polls
// GetMetricData, publishes PutMetricData, puts and reads alarms, reconciles, and shows
// a throttled CloudWatch as degraded. Period 1 s so everything happens within seconds.

const HOST = 'orders-db.abc123.us-east-1.rds.amazonaws.com';
/** CloudWatch says 1,000 IAM logins per second: far more than the agents will count. */
const CLOUDWATCH_REQUESTS_PER_PERIOD = 1000;

let loopback: CloudWatchLoopback;
let isThrottling = false;
const savedEnv = { ...process.env };

beforeAll(async () => {
  // The default credential chain, as in production: static keys from the environment.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOOPBACKTESTKEY0';
  process.env.AWS_SECRET_ACCESS_KEY = 'loopback-secret-not-real';
  loopback = await startCloudWatchLoopback({
    metricValue: (query) => (query.metricName === 'IamDbAuthConnectionRequests' ? CLOUDWATCH_REQUESTS_PER_PERIOD : 0),
    alarms: () => [
      {
        AlarmName: 'iamroll-orders-db-iam-rate-critical',
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 1 datapoint [13000.0] was greater than or equal to the threshold (12000.0).',
      },
      { AlarmName: 'iamroll-orders-db-iam-rate-warning', StateValue: 'OK', StateReason: '' },
    ],
    failWith: (operation) =>
      isThrottling && operation === 'GetMetricData'
        ? { status: 400, code: 'Throttling', message: 'Rate exceeded' }
        : undefined,
  });
}, 30_000);

afterAll(async () => {
  await loopback.close();
  process.env = savedEnv;
});

const t = useTestApp({
  enrollmentToken: TEST_ENROLLMENT_TOKEN,
  // Read when the app is built (after the loopback started): its URL is the endpoint.
  get cloudWatch(): CloudWatchConfig {
    return {
      ...CLOUDWATCH_OFF,
      isPolling: true,
      isPublishing: true,
      isManagingAlarms: true,
      periodSeconds: 1,
      endpointUrl: loopback.url,
    };
  },
});

describe('CloudWatch over the wire (loopback JSON 1.0 server)', () => {
  let databaseId: string;

  it('polls a registered database for IamDbAuthConnectionRequests within a period, signed for monitoring', async () => {
    const admin = await t.admin();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/databases',
      headers: admin.headers,
      payload: { identifier: 'orders-db', host: HOST, port: 5432, region: 'us-east-1' },
    });
    expect(created.statusCode).toBe(201);
    databaseId = created.json<{ id: string }>().id;

    const asksForOrders = () =>
      loopback
        .of('GetMetricData')
        .find((request) =>
          (request.body.MetricDataQueries as { MetricStat: { Metric: { Dimensions: { Value: string }[] } } }[]).some(
            (query) => query.MetricStat.Metric.Dimensions[0]?.Value === 'orders-db',
          ),
        );
    await eventually(() => asksForOrders() !== undefined, 20_000);
    const request = asksForOrders()!;
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(String(request.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOOPBACKTESTKEY0\/\d{8}\/us-east-1\/monitoring\/aws4_request/,
    );
    const queries = request.body.MetricDataQueries as {
      MetricStat: { Metric: { Namespace: string; MetricName: string }; Period: number; Stat: string };
    }[];
    expect(queries.find((q) => q.MetricStat.Metric.MetricName === 'IamDbAuthConnectionRequests')?.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/RDS',
        MetricName: 'IamDbAuthConnectionRequests',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }],
      },
      Period: 1,
      Stat: 'Sum',
    });

    // Stored, and served by the rates API with its source.
    await eventually(async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/databases/${databaseId}/rates/cloudwatch`,
        headers: admin.headers,
      });
      return response.json<SourceRateSeries>().points.length > 0;
    }, 20_000);
    const series = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/databases/${databaseId}/rates/cloudwatch`,
        headers: admin.headers,
      })
    ).json<SourceRateSeries>();
    expect(series).toMatchObject({ source: 'cloudwatch', state: 'ok', resolution: 1, budgetPerSecond: 200 });
    expect(series.points[0]?.rate).toBe(CLOUDWATCH_REQUESTS_PER_PERIOD);
    expect(series.metrics.map((m) => m.name)).toContain('DatabaseConnections');
  }, 60_000);

  it("publishes the database's local rate with PutMetricData, and flags the divergence from CloudWatch", async () => {
    const admin = await t.admin();
    const { nodeId, credential } = await enrollNode(t.app);
    // An agent counting 50 IAM logins a second for a few seconds.
    for (let seq = 1; seq <= 5; seq++) {
      const response = await beat(
        t.app,
        nodeId,
        credential,
        heartbeatBody({ seq, attempts: seq * 50, iam: true, host: HOST, sentAtMs: Date.now() }),
      );
      expect(response.statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const published = () =>
      loopback.of('PutMetricData').flatMap((request) =>
        (
          request.body.MetricData as {
            MetricName: string;
            Dimensions: { Name: string; Value: string }[];
            Value?: number;
            StorageResolution: number;
          }[]
        ).filter((d) => d.MetricName === 'IamConnectionRate' && d.Dimensions[0]?.Value === 'orders-db'),
      );
    await eventually(() => published().some((datum) => (datum.Value ?? 0) > 0), 20_000);
    expect(loopback.of('PutMetricData')[0]?.body.Namespace).toBe('Iamroll');
    expect(published()[0]).toMatchObject({
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }],
      Unit: 'Count/Second',
      StorageResolution: 1,
    });
    const nodeData = loopback
      .of('PutMetricData')
      .flatMap((request) => request.body.MetricData as { MetricName: string; Dimensions: { Value: string }[] }[])
      .filter((d) => d.MetricName === 'NodeConnectionRate');
    expect(nodeData.some((d) => d.Dimensions[0]?.Value === nodeId)).toBe(true);

    // CloudWatch's 1,000/s against the agents' 50/s: an info alarm with both figures.
    const divergence = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: admin.headers }))
        .json<AlarmList>()
        .items.find((alarm) => alarm.kind === 'metrics-divergence');
    await eventually(async () => (await divergence()) !== undefined, 20_000);
    const alarm = (await divergence())!;
    expect(alarm).toMatchObject({ severity: 'info', subjectType: 'database', subjectId: databaseId });
    expect(alarm.message).toMatch(/agents count [\d.]+ IAM logins\/s, CloudWatch [\d.]+\/s/);
  }, 60_000);

  it('puts the alarms, reads their state, and shows one in ALARM with the product alarms and as a rollout gate', async () => {
    const admin = await t.admin();
    await eventually(() => loopback.of('DescribeAlarms').length > 0, 20_000);
    const names = loopback.of('PutMetricAlarm').map((request) => request.body.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'iamroll-orders-db-iam-rate-warning',
        'iamroll-orders-db-iam-rate-critical',
        'iamroll-orders-db-fleet-rate-warning',
        'iamroll-orders-db-fleet-rate-critical',
      ]),
    );
    const cloudWatchAlarm = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: admin.headers }))
        .json<AlarmList>()
        .items.find((alarm) => alarm.kind === 'cloudwatch-alarm');
    await eventually(async () => (await cloudWatchAlarm()) !== undefined, 20_000);
    expect(await cloudWatchAlarm()).toMatchObject({
      key: 'cloudwatch-alarm:iamroll-orders-db-iam-rate-critical',
      severity: 'critical',
      subjectId: databaseId,
    });
    // The product's own evaluator (every second since) leaves the other kinds' rows alone.
    const open = (
      await t.app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: admin.headers })
    ).json<AlarmList>();
    expect(open.items.map((alarm) => alarm.kind)).toContain('metrics-divergence');
    const gates = await t.app.cloudWatchAlarmGates.observe([databaseId]);
    expect(gates).toEqual([
      expect.objectContaining({
        gate: 'cloudwatch-alarm',
        databaseId,
        alarmName: 'iamroll-orders-db-iam-rate-critical',
        isBlocking: true,
      }),
    ]);
  }, 60_000);

  it('marks the source degraded while CloudWatch throttles, keeps serving, and recovers', async () => {
    const admin = await t.admin();
    const poll = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/metrics-sources', headers: admin.headers }))
        .json<MetricsSourceList>()
        .items.find((item) => item.source === 'cloudwatch')!;
    isThrottling = true;
    await eventually(async () => (await poll()).state === 'degraded', 20_000);
    const degraded = await poll();
    expect(degraded.parts.find((part) => part.part === 'poll')).toMatchObject({
      state: 'degraded',
      errorKind: 'throttled',
      errorMessage: expect.stringContaining('Rate exceeded') as string,
    });
    expect(degraded.parts.find((part) => part.part === 'publish')?.state).toBe('ok');
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    isThrottling = false;
    await eventually(async () => (await poll()).state === 'ok', 30_000);
  }, 60_000);
});

describe('the loopback CloudWatch itself', () => {
  it('takes gzipped PutMetricData bodies (the SDK compresses those over 10 kB) and answers errors as the SDK expects', async () => {
    const clients = createCloudWatchClients({ endpointUrl: loopback.url });
    try {
      // The app under test publishes every second too: find this test's own request by its marker.
      const datums = Array.from({ length: 500 }, (_, i) => ({
        MetricName: 'IamConnectionRate',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: `db-${i}` }],
        Value: i,
        StorageResolution: 1,
      }));
      await clients.forRegion('us-east-1').send(new PutMetricDataCommand({ Namespace: 'Iamroll', MetricData: datums }));
      const request = loopback
        .of('PutMetricData')
        .find((put) => JSON.stringify(put.body.MetricData ?? []).includes('"db-499"'))!;
      expect(request).toBeDefined();
      expect(request.wasGzipped).toBe(true);
      expect(request.body.MetricData).toHaveLength(500);

      isThrottling = true;
      const error = await clients
        .forRegion('us-east-1')
        .send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date(1000) }))
        .catch((caught: unknown) => caught as Error & { $metadata: { httpStatusCode: number } });
      expect(error).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    } finally {
      isThrottling = false;
      clients.destroy();
    }
  });
});

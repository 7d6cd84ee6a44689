import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { managedAlarmName, parseManagedAlarmName } from './cloudwatch-alarm-definitions';
import { createCloudWatchAlarmSync } from './cloudwatch-alarms';
import { createCloudWatchClients } from './cloudwatch-clients';
import type { DesiredExternalAlarm } from './external-alarms';
import { sourceDatabase, TEST_CREDENTIALS } from './test-fixtures';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

function alarmSync(
  databases = [sourceDatabase(1, { identifier: 'orders', budgetPerSecond: 200, warningThreshold: 0.8 })],
) {
  const synced: (readonly DesiredExternalAlarm[])[] = [];
  const sync = createCloudWatchAlarmSync({
    clients: createCloudWatchClients({ credentials: TEST_CREDENTIALS }),
    syncRows: (desired) => {
      synced.push(desired);
      return Promise.resolve();
    },
    namespace: 'Iamroll',
    alarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
    databases: () => Promise.resolve(databases),
  });
  return { sync, synced };
}

const puts = () => cloudWatch.commandCalls(PutMetricAlarmCommand).map((call) => call.args[0].input);

describe('CloudWatch alarms (PutMetricAlarm + DescribeAlarms)', () => {
  it('puts four alarms per database: warning and budget, on the RDS metric and on the custom one', async () => {
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const { sync } = alarmSync();
    await sync.sync(new AbortController().signal);
    const byName = new Map(puts().map((input) => [input.AlarmName, input]));
    expect([...byName.keys()].sort()).toEqual([
      'iamroll-orders-fleet-rate-critical',
      'iamroll-orders-fleet-rate-warning',
      'iamroll-orders-iam-rate-critical',
      'iamroll-orders-iam-rate-warning',
    ]);
    expect(byName.get('iamroll-orders-iam-rate-critical')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'IamDbAuthConnectionRequests',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 12_000, // 200/s × 60 s
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
    });
    expect(byName.get('iamroll-orders-iam-rate-warning')?.Threshold).toBe(9_600);
    expect(byName.get('iamroll-orders-fleet-rate-warning')).toMatchObject({
      Namespace: 'Iamroll',
      MetricName: 'IamConnectionRate',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 10,
      Threshold: 160,
    });
    expect(byName.get('iamroll-orders-fleet-rate-critical')?.Threshold).toBe(200);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNamePrefix: 'iamroll-',
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
    });
  });

  it('puts an alarm again only when its definition changed', async () => {
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const databases = [sourceDatabase(1, { identifier: 'orders' })];
    const { sync } = alarmSync(databases);
    await sync.sync(new AbortController().signal);
    await sync.sync(new AbortController().signal);
    expect(puts()).toHaveLength(4);
    databases[0] = { ...databases[0]!, budgetPerSecond: 100 };
    await sync.sync(new AbortController().signal);
    expect(puts()).toHaveLength(8);
  });

  it('turns managed alarms in ALARM into cloudwatch-alarm rows, following NextToken; others are ignored', async () => {
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'iamroll-orders-iam-rate-critical',
            StateValue: 'ALARM',
            StateReason: 'Threshold Crossed: 1 datapoint [13000.0]',
          },
          { AlarmName: 'iamroll-orders-iam-rate-warning', StateValue: 'OK' },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: 'iamroll-orders-fleet-rate-warning', StateValue: 'INSUFFICIENT_DATA' },
          { AlarmName: 'iamroll-unknown-db-iam-rate-critical', StateValue: 'ALARM' },
          { AlarmName: 'iamroll-something-else', StateValue: 'ALARM' },
        ],
      });
    const { sync, synced } = alarmSync();
    await sync.sync(new AbortController().signal);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[1]?.args[0].input.NextToken).toBe('more');
    expect(sync.states.map((s) => [s.alarmName, s.state])).toEqual([
      ['iamroll-orders-iam-rate-critical', 'ALARM'],
      ['iamroll-orders-iam-rate-warning', 'OK'],
      ['iamroll-orders-fleet-rate-warning', 'INSUFFICIENT_DATA'],
    ]);
    expect(synced[0]).toEqual([
      expect.objectContaining({
        key: 'cloudwatch-alarm:iamroll-orders-iam-rate-critical',
        severity: 'critical',
        subjectType: 'database',
        subjectId: sourceDatabase(1).id,
        message: expect.stringContaining('Threshold Crossed') as string,
      }),
    ]);
  });

  it('leaves the rows alone when CloudWatch does not answer (the part degrades instead)', async () => {
    cloudWatch.on(PutMetricAlarmCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { sync, synced } = alarmSync();
    await expect(sync.sync(new AbortController().signal)).rejects.toThrow('denied');
    expect(synced).toHaveLength(0);
  });

  it('names alarms iamroll-<db>-<metric>-<level> and reads them back', () => {
    expect(managedAlarmName('orders-1', 'iam-rate', 'critical')).toBe('iamroll-orders-1-iam-rate-critical');
    expect(parseManagedAlarmName('iamroll-orders-1-fleet-rate-warning')).toEqual({
      identifier: 'orders-1',
      metric: 'fleet-rate',
      level: 'warning',
    });
    expect(parseManagedAlarmName('iamroll-x')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { buildControllerPolicy, CONTROLLER_ACTIONS } from './controller-policy';

describe('buildControllerPolicy', () => {
  it('grants every action the controller calls, scoped to the account and region when given', () => {
    const result = buildControllerPolicy({ accountId: '123456789012', region: 'eu-west-1' });
    expect(result.ok && result.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'IamrollReadMetricsAndAlarms',
          Effect: 'Allow',
          Action: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'],
          Resource: '*',
        },
        {
          Sid: 'IamrollPublishMetrics',
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricData'],
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'Iamroll' } },
        },
        {
          Sid: 'IamrollManageAlarms',
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricAlarm'],
          Resource: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:iamroll-*'],
        },
        {
          Sid: 'IamrollPreflightDescribeInstances',
          Effect: 'Allow',
          Action: ['rds:DescribeDBInstances'],
          Resource: ['arn:aws:rds:eu-west-1:123456789012:db:*'],
        },
      ],
    });
    const actions = result.ok ? result.policy.Statement.flatMap((s) => s.Action) : [];
    expect([...actions].sort()).toEqual([...CONTROLLER_ACTIONS].sort());
  });

  it('uses wildcards without account or region, the partition of the region, and a custom namespace', () => {
    const open = buildControllerPolicy();
    expect(open.ok && open.policy.Statement[2]?.Resource).toEqual(['arn:aws:cloudwatch:*:*:alarm:iamroll-*']);
    const china = buildControllerPolicy({ region: 'cn-north-1', namespace: 'Acme/Iamroll' });
    expect(china.ok && china.policy.Statement[3]?.Resource).toEqual(['arn:aws-cn:rds:cn-north-1:*:db:*']);
    expect(china.ok && china.policy.Statement[1]?.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': 'Acme/Iamroll' },
    });
  });

  it('reports every bad input at once', () => {
    const result = buildControllerPolicy({ accountId: '42', region: 'moon-1', namespace: 'AWS/RDS' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toHaveLength(3);
  });
});

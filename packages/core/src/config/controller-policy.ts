import { isAwsRegionName, partitionOfRegion } from './region';

// The IAM policy of the iamroll controller itself (not of Kong): what its CloudWatch
// parts and the RDS preflight call. Scoped where IAM allows it:
//  - cloudwatch:GetMetricData and DescribeAlarms are read-only and take no useful
//    resource scoping (GetMetricData has no resource type), so Resource "*";
//  - cloudwatch:PutMetricData has no resource type either, but the condition key
//    cloudwatch:namespace limits it to iamroll's namespace;
//  - cloudwatch:PutMetricAlarm is limited to alarms named iamroll-* (the managed ones);
//  - rds:DescribeDBInstances (preflight: the instance exists, IAM auth is on) to db:*.
// With IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN, attach this to that role; the controller's own
// identity then needs sts:AssumeRole on it (and the role a trust policy naming it).

export interface ControllerPolicyInput {
  /** 12-digit account id; unset: any account (`*`). */
  readonly accountId?: string;
  /** Region of the databases; unset: any region (`*`, partition aws). */
  readonly region?: string;
  /** IAMROLL_CLOUDWATCH_NAMESPACE, default Iamroll. */
  readonly namespace?: string;
}

interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface ControllerPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

export type ControllerPolicyResult =
  | { readonly ok: true; readonly policy: ControllerPolicyDocument }
  | { readonly ok: false; readonly errors: readonly string[] };

export const CONTROLLER_ACTIONS = [
  'cloudwatch:GetMetricData',
  'cloudwatch:PutMetricData',
  'cloudwatch:PutMetricAlarm',
  'cloudwatch:DescribeAlarms',
  'rds:DescribeDBInstances',
] as const;

export function buildControllerPolicy(input: ControllerPolicyInput = {}): ControllerPolicyResult {
  const errors: string[] = [];
  if (input.accountId !== undefined && !/^\d{12}$/.test(input.accountId))
    errors.push(`--account ${JSON.stringify(input.accountId)} is not a 12-digit AWS account id.`);
  if (input.region !== undefined && !isAwsRegionName(input.region))
    errors.push(`--region ${JSON.stringify(input.region)} is not an AWS region name (e.g. us-east-1).`);
  const namespace = input.namespace ?? 'Iamroll';
  if (namespace.length === 0 || namespace.length > 255 || namespace.includes(':') || namespace.startsWith('AWS/'))
    errors.push(`namespace ${JSON.stringify(namespace)} is not a custom CloudWatch namespace (no ":", not AWS/…).`);
  if (errors.length > 0) return { ok: false, errors };

  const partition = input.region ? partitionOfRegion(input.region) : 'aws';
  const region = input.region ?? '*';
  const account = input.accountId ?? '*';
  return {
    ok: true,
    policy: {
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
          Condition: { StringEquals: { 'cloudwatch:namespace': namespace } },
        },
        {
          Sid: 'IamrollManageAlarms',
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricAlarm'],
          Resource: [`arn:${partition}:cloudwatch:${region}:${account}:alarm:iamroll-*`],
        },
        {
          Sid: 'IamrollPreflightDescribeInstances',
          Effect: 'Allow',
          Action: ['rds:DescribeDBInstances'],
          Resource: [`arn:${partition}:rds:${region}:${account}:db:*`],
        },
      ],
    },
  };
}

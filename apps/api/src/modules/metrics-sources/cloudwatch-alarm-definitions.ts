import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { DATABASE_RATE_METRIC } from './cloudwatch-publisher';
import { RDS_DIMENSION, RDS_NAMESPACE, type SourceDatabase } from './metrics-source';

/** Every managed alarm's name starts with this: DescribeAlarms reads them by prefix. */
export const ALARM_NAME_PREFIX = 'iamroll-';
/** High-resolution alarms on the custom metric evaluate 10 s periods (CloudWatch allows 10, 30 or multiples of 60). */
const CUSTOM_ALARM_PERIOD_SECONDS = 10;
/** RDS publishes its metrics per minute. */
const RDS_PERIOD_SECONDS = 60;

export type ManagedAlarmLevel = 'warning' | 'critical';
export type ManagedAlarmMetric = 'iam-rate' | 'fleet-rate';

export interface ManagedAlarm {
  readonly databaseId: string;
  readonly level: ManagedAlarmLevel;
  readonly metric: ManagedAlarmMetric;
  readonly input: PutMetricAlarmCommandInput & { AlarmName: string };
}

/** `iamroll-<identifier>-<iam-rate|fleet-rate>-<warning|critical>`: stable, so PutMetricAlarm updates in place. */
export function managedAlarmName(identifier: string, metric: ManagedAlarmMetric, level: ManagedAlarmLevel): string {
  return `${ALARM_NAME_PREFIX}${identifier}-${metric}-${level}`;
}

/** Parses a managed alarm name back (null for anyone else's alarm under the prefix). */
export function parseManagedAlarmName(
  name: string,
): { identifier: string; metric: ManagedAlarmMetric; level: ManagedAlarmLevel } | null {
  const match = /^iamroll-(.+)-(iam-rate|fleet-rate)-(warning|critical)$/.exec(name);
  if (!match) return null;
  return {
    identifier: match[1]!,
    metric: match[2] as ManagedAlarmMetric,
    level: match[3] as ManagedAlarmLevel,
  };
}

/**
 * Four alarms per database, at the warning share of the budget and at the budget:
 * - `iam-rate`: RDS's own AWS/RDS IamDbAuthConnectionRequests, Sum per minute, against
 *   the budget × 60 (RDS has no finer resolution);
 * - `fleet-rate`: the agents' IamConnectionRate published by iamroll (1 s datapoints),
 *   Maximum over 10 s, against the per-second budget: one second over it is throttling.
 * Missing data is not breaching: a quiet database is fine, and the poller reports a
 * CloudWatch that does not answer as degraded on its own.
 */
export function managedAlarms(
  database: SourceDatabase,
  namespace: string,
  alarmActions: readonly string[],
): ManagedAlarm[] {
  const alarms: ManagedAlarm[] = [];
  const dimensions = [{ Name: RDS_DIMENSION, Value: database.identifier }];
  for (const level of ['warning', 'critical'] as const) {
    const perSecond =
      level === 'warning' ? database.budgetPerSecond * database.warningThreshold : database.budgetPerSecond;
    const common = {
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: alarmActions.length > 0,
      ...(alarmActions.length > 0 ? { AlarmActions: [...alarmActions] } : {}),
    };
    const iamName = managedAlarmName(database.identifier, 'iam-rate', level);
    alarms.push({
      databaseId: database.id,
      level,
      metric: 'iam-rate',
      input: {
        ...common,
        AlarmName: iamName,
        AlarmDescription: `iamroll: ${database.identifier} new IAM authentications (RDS) at ${level === 'warning' ? `${Math.round(database.warningThreshold * 100)}% of ` : ''}its budget of ${database.budgetPerSecond}/s`,
        Namespace: RDS_NAMESPACE,
        MetricName: 'IamDbAuthConnectionRequests',
        Dimensions: dimensions,
        Statistic: 'Sum',
        Period: RDS_PERIOD_SECONDS,
        Threshold: perSecond * RDS_PERIOD_SECONDS,
      },
    });
    alarms.push({
      databaseId: database.id,
      level,
      metric: 'fleet-rate',
      input: {
        ...common,
        AlarmName: managedAlarmName(database.identifier, 'fleet-rate', level),
        AlarmDescription: `iamroll: ${database.identifier} IAM logins per second counted by the agents at ${level === 'warning' ? `${Math.round(database.warningThreshold * 100)}% of ` : ''}its budget of ${database.budgetPerSecond}/s`,
        Namespace: namespace,
        MetricName: DATABASE_RATE_METRIC,
        Dimensions: dimensions,
        Statistic: 'Maximum',
        Period: CUSTOM_ALARM_PERIOD_SECONDS,
        Threshold: perSecond,
      },
    });
  }
  return alarms;
}

import { IAM_AUTH_METRICS, type MetricName, type RdsSimCounters } from './counters';

export interface MetricDataResult {
  readonly Id: string;
  readonly Label: MetricName;
  /** ISO 8601, newest first (GetMetricData's default ScanBy=TimestampDescending). */
  readonly Timestamps: readonly string[];
  readonly Values: readonly number[];
  readonly StatusCode: 'Complete';
}

export interface GetMetricDataShape {
  readonly MetricDataResults: readonly MetricDataResult[];
  readonly Messages: readonly never[];
}

/**
 * The per-second window shaped like a CloudWatch GetMetricData response for
 * namespace AWS/RDS, dimension DBInstanceIdentifier=<instanceId>, period 1 s
 * (counters as Sum, DatabaseConnections as Maximum). Real RDS publishes
 * 60-second datapoints; a consumer sums 60 of these to compare.
 */
export function toGetMetricData(counters: RdsSimCounters): GetMetricDataShape {
  const samples = [...counters.perSecond].reverse();
  const names: readonly MetricName[] = [...IAM_AUTH_METRICS, 'DatabaseConnections'];
  return {
    MetricDataResults: names.map((name) => ({
      Id: name.charAt(0).toLowerCase() + name.slice(1),
      Label: name,
      Timestamps: samples.map((s) => new Date(s.epochSecond * 1000).toISOString()),
      Values: samples.map((s) => s[name]),
      StatusCode: 'Complete' as const,
    })),
    Messages: [],
  };
}

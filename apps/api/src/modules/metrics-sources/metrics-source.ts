import type { MetricsSourceName } from '@iamroll/contracts';

// The MetricsSource seam: what a database's own side says about its IAM logins.
// CloudWatch (AWS/RDS, dimension DBInstanceIdentifier) in production; the RDS
// simulator, which counts under the same names, in the sandbox and tests.

/** AWS/RDS metrics for IAM database authentication: counts, read as Sum over the period. */
export const IAM_AUTH_METRICS = [
  'IamDbAuthConnectionRequests',
  'IamDbAuthConnectionSuccess',
  'IamDbAuthConnectionFailure',
  'IamDbAuthConnectionFailureInvalidToken',
  'IamDbAuthConnectionFailureInsufficientPermissions',
  'IamDbAuthConnectionFailureThrottling',
  'IamDbAuthConnectionFailureServerError',
] as const;
/** A level (open connections), not a count: read as Maximum over the period. */
export const CONNECTIONS_METRIC = 'DatabaseConnections';
export const RDS_METRICS = [...IAM_AUTH_METRICS, CONNECTIONS_METRIC] as const;
export type RdsMetricName = (typeof RDS_METRICS)[number];

export const RDS_NAMESPACE = 'AWS/RDS';
export const RDS_DIMENSION = 'DBInstanceIdentifier';

export function statisticOf(metric: RdsMetricName): 'Sum' | 'Maximum' {
  return metric === CONNECTIONS_METRIC ? 'Maximum' : 'Sum';
}

/** What a source needs to know about a registered database. */
export interface SourceDatabase {
  readonly id: string;
  /** The RDS DB instance identifier: CloudWatch's DBInstanceIdentifier. */
  readonly identifier: string;
  readonly region: string;
  readonly budgetPerSecond: number;
  readonly warningThreshold: number;
}

/** [startMs, endMs), both on period boundaries. */
export interface MetricWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly periodSeconds: number;
}

export interface SourceDatapoint {
  readonly databaseId: string;
  readonly metric: RdsMetricName;
  readonly bucketStartMs: number;
  readonly value: number;
}

export interface SourceFetchResult {
  readonly datapoints: readonly SourceDatapoint[];
  /** The first failure (some regions or pages may have answered): the part counts as failed and backs off. */
  readonly error?: Error;
}

export interface MetricsSource {
  readonly name: MetricsSourceName;
  fetch(databases: readonly SourceDatabase[], window: MetricWindow, signal?: AbortSignal): Promise<SourceFetchResult>;
}

/** The window a poll asks for: the last `lookbackPeriods` complete periods (late datapoints are re-read, upserts are idempotent). */
export function pollWindow(nowMs: number, periodSeconds: number, lookbackPeriods: number): MetricWindow {
  const periodMs = periodSeconds * 1000;
  const endMs = Math.floor(nowMs / periodMs) * periodMs;
  return { startMs: endMs - lookbackPeriods * periodMs, endMs, periodSeconds };
}

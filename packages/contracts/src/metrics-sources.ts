import { Type, type Static } from 'typebox';
import { Timestamp } from './common';

/** Where a database's figures come from besides the agents: Amazon CloudWatch, or the RDS simulator (sandbox, tests). */
export const MetricsSourceName = Type.Enum(['cloudwatch', 'rds-sim']);
export type MetricsSourceName = Static<typeof MetricsSourceName>;

/** ok: the last attempt worked; degraded: it failed and the leader is backing off (local counters keep working). */
export const MetricsSourceState = Type.Enum(['ok', 'degraded', 'off']);
export type MetricsSourceState = Static<typeof MetricsSourceState>;

/** throttled (429 / Throttling), denied (403 / AccessDenied / no credentials), unreachable (network), error (anything else). */
export const MetricsSourceErrorKind = Type.Enum(['throttled', 'denied', 'unreachable', 'error']);

/** One part of a source: `poll` (GetMetricData), `publish` (PutMetricData), `alarms` (PutMetricAlarm + DescribeAlarms). */
export const MetricsSourcePart = Type.Object({
  part: Type.Enum(['poll', 'publish', 'alarms']),
  state: MetricsSourceState,
  consecutiveFailures: Type.Integer({ minimum: 0 }),
  errorKind: Type.Union([MetricsSourceErrorKind, Type.Null()]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  lastSuccessAt: Type.Union([Timestamp, Type.Null()]),
  lastFailureAt: Type.Union([Timestamp, Type.Null()]),
  /** While degraded: not before this time (exponential backoff, capped, jittered). */
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
});
export type MetricsSourcePart = Static<typeof MetricsSourcePart>;

export const MetricsSourceView = Type.Object({
  source: MetricsSourceName,
  /** degraded when any enabled part is; off when no part is enabled. */
  state: MetricsSourceState,
  periodSeconds: Type.Integer({ minimum: 1 }),
  parts: Type.Array(MetricsSourcePart),
});
export type MetricsSourceView = Static<typeof MetricsSourceView>;

/** `GET /api/v1/metrics-sources`. */
export const MetricsSourceList = Type.Object({ items: Type.Array(MetricsSourceView) });
export type MetricsSourceList = Static<typeof MetricsSourceList>;

export const SourceRatesParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), source: MetricsSourceName },
  { additionalProperties: false },
);
export type SourceRatesParams = Static<typeof SourceRatesParams>;

/** `from`/`to` as for the local rates: ISO 8601 or epoch ms; default the last hour. */
export const SourceRatesQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type SourceRatesQuery = Static<typeof SourceRatesQuery>;

export const SourceMetricPoint = Type.Object({
  /** Start of the period, epoch milliseconds. */
  t: Type.Integer(),
  /** The period's Sum for counts; its Maximum for DatabaseConnections. */
  value: Type.Number(),
});

/**
 * `GET /api/v1/databases/{id}/rates/{source}`: the database as the source reports it, at its period.
 * `points` is IamDbAuthConnectionRequests per second (Sum / period), comparable with the local rates;
 * `metrics` every stored series by CloudWatch name.
 */
export const SourceRateSeries = Type.Object({
  source: MetricsSourceName,
  state: MetricsSourceState,
  resolution: Type.Integer({ minimum: 1 }),
  budgetPerSecond: Type.Integer({ minimum: 1 }),
  points: Type.Array(Type.Object({ t: Type.Integer(), rate: Type.Number({ minimum: 0 }) })),
  metrics: Type.Array(
    Type.Object({ name: Type.String(), statistic: Type.String(), points: Type.Array(SourceMetricPoint) }),
  ),
});
export type SourceRateSeries = Static<typeof SourceRateSeries>;

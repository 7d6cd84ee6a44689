import { Type, type Static } from 'typebox';
import { HostName, Page, PageQuery, Reason, Timestamp, Uuid } from './common';
import { DatabaseIamCheck } from './preflight';

/** RDS DB instance identifier: also CloudWatch's DBInstanceIdentifier dimension. */
export const DatabaseIdentifier = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z][A-Za-z0-9-]*$' });

/** The endpoint Kong's pg_host / pg_ro_host names; nodes are matched to databases by host and port. */
export const DatabaseHost = HostName;

export const AwsRegion = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' });

/** New IAM authentications per second the database admits: AWS says about 200. */
export const BudgetPerSecond = Type.Integer({ minimum: 1, maximum: 100_000 });

/** Share of the budget (0–1] at which a warning alarm opens. */
export const WarningThreshold = Type.Number({ exclusiveMinimum: 0, maximum: 1 });

export const CreateDatabaseBody = Type.Object(
  {
    identifier: DatabaseIdentifier,
    host: DatabaseHost,
    port: Type.Integer({ minimum: 1, maximum: 65_535 }),
    region: AwsRegion,
    budgetPerSecond: Type.Integer({ minimum: 1, maximum: 100_000, default: 200 }),
    warningThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.8 }),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type CreateDatabaseBody = Static<typeof CreateDatabaseBody>;

export const UpdateDatabaseBody = Type.Object(
  {
    budgetPerSecond: Type.Optional(BudgetPerSecond),
    warningThreshold: Type.Optional(WarningThreshold),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDatabaseBody = Static<typeof UpdateDatabaseBody>;

const AuthModeCounts = Type.Object({ password: Type.Integer({ minimum: 0 }), iam: Type.Integer({ minimum: 0 }) });

/** Nodes whose read-write / read-only connection goes to this database, by the auth mode they use now. */
export const DatabaseNodeCounts = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  rw: AuthModeCounts,
  ro: AuthModeCounts,
});
export type DatabaseNodeCounts = Static<typeof DatabaseNodeCounts>;

export const DatabaseView = Type.Object({
  id: Uuid,
  identifier: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  region: Type.String(),
  budgetPerSecond: Type.Integer(),
  warningThreshold: Type.Number(),
  /** New IAM authentications per second, 10 s average (from the agents' counters). */
  ratePerSecond: Type.Number({ minimum: 0 }),
  /** The busiest second of the last hour (of what this controller holds in memory). */
  peakPerSecond: Type.Number({ minimum: 0 }),
  peakAt: Type.Union([Timestamp, Type.Null()]),
  /** ratePerSecond ÷ budgetPerSecond. */
  utilisation: Type.Number({ minimum: 0 }),
  /** Throttled IAM authentications reported in the last 10 s. */
  throttledLast10s: Type.Integer({ minimum: 0 }),
  nodes: DatabaseNodeCounts,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Added by the preflight issue: what DescribeDBInstances last said (list and detail). */
  iam: Type.Optional(DatabaseIamCheck),
  /**
   * Detail only (`GET /api/v1/databases/{id}`): the ready `rds-db:connect` IAM policy naming the
   * instance's DbiResourceId and the IAM database users its nodes use; null until the resource id
   * and account are known (a successful check) or when no node targets the database yet.
   */
  policy: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  /** Detail only: the SQL creating those users, granting rds_iam and Kong's rights; null as `policy`. */
  sql: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** Detail only: the IAM database users the policy and SQL name (from the nodes' effective configs). */
  iamUsers: Type.Optional(Type.Array(Type.String())),
});
export type DatabaseView = Static<typeof DatabaseView>;

export const DatabaseList = Page(DatabaseView);
export type DatabaseList = Static<typeof DatabaseList>;

export const DatabasesQuery = PageQuery;
export type DatabasesQuery = Static<typeof DatabasesQuery>;

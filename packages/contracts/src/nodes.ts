import { Type, type Static } from 'typebox';
import { AuditEventView } from './audit';
import { Limit, Offset, Reason, Timestamp, Uuid } from './common';
import { KongRole } from './enrollment';
import { Finding, HeartbeatConfig, NodeStage, ReportedStatus } from './heartbeat';
import { RateSeries } from './rates';

export const AuthMode = Type.Enum(['password', 'iam']);
export type AuthMode = Static<typeof AuthMode>;

/** Where a node is in a switch of its stage (the rollout engine sets it). */
export const TransitionStatus = Type.Enum(['idle', 'switching', 'reverting', 'failed']);
export type TransitionStatus = Static<typeof TransitionStatus>;

export const DatabaseRef = Type.Object({ id: Uuid, identifier: Type.String() });
export type DatabaseRef = Static<typeof DatabaseRef>;

export const NodeView = Type.Object({
  id: Uuid,
  hostname: Type.String(),
  kongVersion: Type.Union([Type.String(), Type.Null()]),
  role: KongRole,
  agentVersion: Type.Union([Type.String(), Type.Null()]),
  /** The registered database the read-write connection's host and port match; null when none does. */
  rwDatabase: Type.Union([DatabaseRef, Type.Null()]),
  roDatabase: Type.Union([DatabaseRef, Type.Null()]),
  rwAuthMode: AuthMode,
  /** Null when the node has no separate read-only connection. */
  roAuthMode: Type.Union([AuthMode, Type.Null()]),
  /** The stage the node's configuration is on (reported). */
  stage: NodeStage,
  /** The stage the controller wants (sent back in every heartbeat reply). */
  desiredStage: NodeStage,
  transition: TransitionStatus,
  transitionReason: Type.Union([Type.String(), Type.Null()]),
  /** The agent's own health report; null before the first heartbeat. */
  status: Type.Union([ReportedStatus, Type.Null()]),
  statusMessage: Type.Union([Type.String(), Type.Null()]),
  configHash: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
  heartbeatIntervalMs: Type.Integer(),
  /** No heartbeat for three intervals (false before the first one). */
  isStale: Type.Boolean(),
  /** False for data planes and DB-less nodes: they never connect to PostgreSQL. */
  isIamApplicable: Type.Boolean(),
  findingCounts: Type.Object({ error: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }),
  createdAt: Timestamp,
  /** Set once an admin decommissioned the node (listed only with `includeDecommissioned=true`). */
  decommissionedAt: Type.Union([Timestamp, Type.Null()]),
});
export type NodeView = Static<typeof NodeView>;

export const NodeList = Type.Object({ items: Type.Array(NodeView), total: Type.Integer({ minimum: 0 }) });
export type NodeList = Static<typeof NodeList>;

export const NodeSortField = Type.Enum([
  'hostname',
  'lastSeenAt',
  'stage',
  'status',
  'role',
  'kongVersion',
  'createdAt',
]);
export type NodeSortField = Static<typeof NodeSortField>;

/** The agent's reported status, or `stale`: no heartbeat for three intervals (the view's `isStale`). */
export const NodeStatusFilter = Type.Enum(['ok', 'degraded', 'error', 'stale']);
export type NodeStatusFilter = Static<typeof NodeStatusFilter>;

export const NodesQuery = Type.Object(
  {
    limit: Limit,
    offset: Offset,
    sort: Type.Optional(NodeSortField),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    /** Part of the hostname (case-insensitive), or a node id. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    stage: Type.Optional(NodeStage),
    role: Type.Optional(KongRole),
    /** Nodes whose read-write or read-only connection goes to this database. */
    databaseId: Type.Optional(Uuid),
    status: Type.Optional(NodeStatusFilter),
    /** The read-write connection's auth mode. */
    rwAuthMode: Type.Optional(AuthMode),
    /** The read-only connection's auth mode; `none`: the node has no separate read-only connection. */
    roAuthMode: Type.Optional(Type.Enum(['password', 'iam', 'none'])),
    /** true: nodes with an unresolved alarm about them; false: nodes without one. */
    hasAlarm: Type.Optional(Type.Boolean()),
    /** Decommissioned nodes are left out unless this is true. */
    includeDecommissioned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NodesQuery = Static<typeof NodesQuery>;

/** One second of a node's failed logins, by cause (both connections together). */
export const NodeFailurePoint = Type.Object({
  /** Start of the second, epoch milliseconds. */
  t: Type.Integer(),
  invalidToken: Type.Integer({ minimum: 0 }),
  notAuthorized: Type.Integer({ minimum: 0 }),
  throttled: Type.Integer({ minimum: 0 }),
  other: Type.Integer({ minimum: 0 }),
});
export type NodeFailurePoint = Static<typeof NodeFailurePoint>;

export const NodeDetail = Type.Object({
  node: NodeView,
  findings: Type.Array(Finding),
  /** The effective settings the agent last reported (no secrets); null before the first heartbeat. */
  config: Type.Union([HeartbeatConfig, Type.Null()]),
  /** New connections per second over the last 5 minutes, 1 s resolution. */
  rates: RateSeries,
  /** Failed logins per second by cause over the same 5 minutes (counted at the second the agent reported them). */
  failures: Type.Array(NodeFailurePoint),
  /** The newest audit entries about this node. */
  recentEvents: Type.Array(AuditEventView),
});
export type NodeDetail = Static<typeof NodeDetail>;

export const DecommissionNodeBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type DecommissionNodeBody = Static<typeof DecommissionNodeBody>;

/** `GET /api/v1/nodes/{id}/plan?stage=`: default the node's next stage (ro_iam from passwords, else rw_iam). */
export const NodePlanQuery = Type.Object(
  { stage: Type.Optional(Type.Enum(['ro_iam', 'rw_iam'])) },
  { additionalProperties: false },
);
export type NodePlanQuery = Static<typeof NodePlanQuery>;

/** One setting the stage changes: its kong.conf name, and its value before and after (null: unset, Kong's default). */
export const PlannedChange = Type.Object({
  key: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
});
export type PlannedChange = Static<typeof PlannedChange>;

/**
 * The edit a node's agent will make for a stage, as the controller can plan it from the settings
 * the node reported (core's planner over them). Never a secret: passwords are only ever listed in
 * `kept`, by name. The agent plans the exact edit on the node (kong.conf or its KONG_* environment).
 */
export const NodePlan = Type.Object({
  nodeId: Uuid,
  /** Where the node's settings are now (`rw_iam_ro_password`: read-write on IAM, read-only on passwords). */
  from: Type.Enum(['password', 'ro_iam', 'rw_iam', 'rw_iam_ro_password']),
  to: Type.Enum(['ro_iam', 'rw_iam']),
  changes: Type.Array(PlannedChange),
  /** Settings left as they are on purpose, with why (e.g. pg_password: kept for rollback). */
  kept: Type.Array(Type.Object({ key: Type.String(), note: Type.String() })),
  /** What must be resolved before the agent can apply it (the planner's refusals, with the fix). */
  blockers: Type.Array(Finding),
  notes: Type.Array(Type.String()),
  /** Why no plan exists (no heartbeat yet, IAM does not apply, no read-only connection for ro_iam); changes are then empty. */
  error: Type.Union([Type.String(), Type.Null()]),
});
export type NodePlan = Static<typeof NodePlan>;

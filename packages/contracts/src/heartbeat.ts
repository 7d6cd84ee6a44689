import { Type, type Static } from 'typebox';
import { HostName, Timestamp } from './common';
import { KongRole } from './enrollment';
import { PreflightReport, PreflightRequest } from './preflight';

// `POST /api/v1/nodes/{id}/heartbeat`: what an agent sends every interval and what it gets
// back. Counters are monotonic totals since the agent's boot (never deltas), so a lost
// heartbeat loses no counts. Nothing here may carry a secret: the controller rejects
// strings that look like passwords, tokens or AWS keys (400 naming the field).

/** How far a node has moved: both connections on passwords, read-only on IAM, both on IAM. */
export const NodeStage = Type.Enum(['password', 'ro_iam', 'rw_iam']);
export type NodeStage = Static<typeof NodeStage>;

/** The agent's own view of its node. */
export const ReportedStatus = Type.Enum(['ok', 'degraded', 'error']);
export type ReportedStatus = Static<typeof ReportedStatus>;

export const FindingSeverity = Type.Enum(['error', 'warning', 'info']);
export type FindingSeverity = Static<typeof FindingSeverity>;

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const AuthFailureCounters = Type.Object(
  { invalidToken: Count, notAuthorized: Count, throttled: Count, other: Count },
  { additionalProperties: false },
);
export type AuthFailureCounters = Static<typeof AuthFailureCounters>;

/** Totals for one connection kind since the agent booted. */
export const KindCounters = Type.Object(
  {
    /** New connections attempted: each one is an authentication RDS counts against its IAM budget. */
    attempts: Count,
    established: Count,
    authFailures: AuthFailureCounters,
  },
  { additionalProperties: false },
);
export type KindCounters = Static<typeof KindCounters>;

export const HeartbeatCounters = Type.Object(
  { rw: KindCounters, ro: Type.Union([KindCounters, Type.Null()]) },
  { additionalProperties: false },
);
export type HeartbeatCounters = Static<typeof HeartbeatCounters>;

/** One of Kong's PostgreSQL connections as its effective settings say (pg_* or pg_ro_*). No password. */
export const ConnectionConfig = Type.Object(
  {
    /** pg_host / pg_ro_host: a host name or address (a value with `user:password@` is refused). */
    host: HostName,
    port: Type.Integer({ minimum: 1, maximum: 65_535 }),
    database: Type.String({ minLength: 1, maxLength: 255 }),
    user: Type.String({ minLength: 1, maxLength: 255 }),
    /** pg_iam_auth / pg_ro_iam_auth as Kong reads it. */
    iam: Type.Boolean(),
    ssl: Type.Boolean(),
    sslVerify: Type.Boolean(),
    /** The signing region Kong derives from the host; null when it cannot (IP address, custom DNS name). */
    region: Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ConnectionConfig = Static<typeof ConnectionConfig>;

/** One connection kind's pool shape: a Kong restart reconnects up to workers × poolSize connections of it. */
export const PoolShape = Type.Object(
  {
    workers: Type.Integer({ minimum: 1, maximum: 4_096 }),
    /** pg_pool_size (pg_ro_pool_size for read-only), else lua_socket_pool_size. */
    poolSize: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** pg_keepalive_timeout (pg_ro_keepalive_timeout): an idle connection older than this closes, the next one logs in again. */
    keepaliveTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
export type PoolShape = Static<typeof PoolShape>;

export const HeartbeatConfig = Type.Object(
  {
    /** sha256 (hex) of the node's effective IAM-relevant settings: findings and config are stored only when it changes. */
    hash: Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' }),
    /** nginx worker processes; with poolSize this bounds the node's connection burst. */
    workers: Type.Integer({ minimum: 1, maximum: 4_096 }),
    poolSize: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** The stage the node's configuration is on now. */
    stage: NodeStage,
    /** Null only for a node without a database (`database = off`). */
    rw: Type.Union([ConnectionConfig, Type.Null()]),
    /** Null unless pg_ro_host is set. */
    ro: Type.Union([ConnectionConfig, Type.Null()]),
    /** Added by the agent issue (optional, so older agents stay valid): workers × pool size per connection kind. */
    pools: Type.Optional(
      Type.Object({ rw: PoolShape, ro: Type.Union([PoolShape, Type.Null()]) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type HeartbeatConfig = Static<typeof HeartbeatConfig>;

/** A lint or preflight result, with the exact fix. */
export const Finding = Type.Object(
  {
    rule: Type.String({ minLength: 1, maxLength: 100 }),
    severity: FindingSeverity,
    /** The kong.conf key it is about (may be empty). */
    key: Type.String({ maxLength: 100 }),
    message: Type.String({ minLength: 1, maxLength: 1_000 }),
    fix: Type.String({ maxLength: 1_000 }),
  },
  { additionalProperties: false },
);
export type Finding = Static<typeof Finding>;

/** Where the agent is in applying a stage (its state machine's journal, summarised). */
export const TransitionReport = Type.Object(
  {
    /** The same values as the node's `transition` (nodes.ts), as the agent sees them. */
    status: Type.Enum(['idle', 'switching', 'reverting', 'failed']),
    /** The stage being applied, or the one whose last attempt failed (null when idle and never switched). */
    toStage: Type.Union([NodeStage, Type.Null()]),
    /** The journal step (`backed-up`, `written`, `restarted`, `verified`, `restoring`…). */
    step: Type.Optional(Type.String({ maxLength: 32 })),
    /** Why the last attempt failed (never a secret). */
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    /** Failed switch attempts, total over the agent's state directory: the engine counts each increase once. */
    failedSwitches: Count,
    /** Successful switches, total over the state directory. */
    completedSwitches: Count,
    /** The password keys are gone from the node's configuration (finalize applied). */
    isPasswordRemoved: Type.Boolean(),
    /** The agent still keeps the original configuration (mode 0600, on the node only) for a rollback. */
    hasBackup: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type TransitionReport = Static<typeof TransitionReport>;

/** Operator labels (`--label k=v`). */
export const NodeLabels = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$' }),
  Type.String({ maxLength: 255 }),
  { maxProperties: 32, additionalProperties: false },
);
export type NodeLabels = Static<typeof NodeLabels>;

export const HeartbeatBody = Type.Object(
  {
    /** Changes whenever the agent (and so its counters) starts again. */
    bootId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[!-~]+$' }),
    /** +1 per heartbeat within a boot; a repeated seq is a retry, an older one is late. */
    seq: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
    /** The agent's clock: used for durations between two heartbeats of one boot. */
    sentAt: Timestamp,
    /**
     * Optional, the agent's clock: its counters still read the totals of its previous heartbeat at
     * this time (its last check before they moved), so what changed since happened in
     * [countersSince, sentAt). An agent that reports at once when its counters move, after a quiet
     * keep-alive interval, sends it, so the controller's per-second series places a burst in its own
     * second instead of spreading it over the whole interval. Absent: since the previous heartbeat.
     */
    countersSince: Type.Optional(Timestamp),
    /**
     * The agent's heartbeat interval: the longest it stays silent (its keep-alive when idle); three
     * missed ones make the node stale.
     */
    intervalMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
    agentVersion: Type.String({ minLength: 1, maxLength: 64 }),
    kongVersion: Type.String({ minLength: 1, maxLength: 64 }),
    role: KongRole,
    status: ReportedStatus,
    statusMessage: Type.Optional(Type.String({ maxLength: 500 })),
    counters: HeartbeatCounters,
    config: HeartbeatConfig,
    findings: Type.Array(Finding, { maxItems: 200 }),
    /** Added by the agent issue (optional): operator labels. */
    labels: Type.Optional(NodeLabels),
    /** Added by the agent issue (optional): the agent's stage state machine. */
    transition: Type.Optional(TransitionReport),
    /** Added by the preflight issue (optional): the answer to the reply's `preflight` request, sent once. */
    preflight: Type.Optional(PreflightReport),
    /**
     * Added by the preflight issue (optional): what this agent can do beyond heartbeats. `preflight`:
     * it answers the reply's `preflight` request, so rollouts wait for its verdict before a switch.
     */
    capabilities: Type.Optional(Type.Array(Type.Enum(['preflight']), { maxItems: 16, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type HeartbeatBody = Static<typeof HeartbeatBody>;

export const HeartbeatReply = Type.Object({
  /** The stage the controller wants the node on: apply it when it differs from config.stage. */
  desiredStage: NodeStage,
  /** When to send the next heartbeat. */
  intervalMs: Type.Integer({ minimum: 1 }),
  serverTime: Timestamp,
  /**
   * Set by rollouts (`POST /api/v1/rollouts/{id}/finalize`, twice: see apps/api/README.md):
   * `remove-passwords` asks the agent to finalize (delete pg_password / pg_ro_password from the
   * node's configuration, reversible from its backup); `finalized` says no rollback can need the
   * backup any more, so the agent deletes it. Absent: keep everything.
   */
  finalize: Type.Optional(Type.Enum(['remove-passwords', 'finalized'])),
  /**
   * Set by rollouts: put back the byte-identical backup of the node's configuration taken before its
   * first switch. A rollback sends it, with `desiredStage: "rw_iam"`, to a node that started mixed
   * (read-write on IAM, read-only on passwords: a stage `desiredStage` cannot name). Absent: follow
   * `desiredStage` (a mixed node asked for `rw_iam` moves its read-only connection to IAM too).
   */
  restore: Type.Optional(Type.Literal('original')),
  /** Added by the preflight issue: run preflight for these stages and report it (see preflight.ts). */
  preflight: Type.Optional(PreflightRequest),
  /**
   * Set by rollouts when a switch to `desiredStage` is planned for a later second: begin it at this
   * time (on the controller's clock, as `serverTime` is: wait `switchAt − serverTime` from the reply),
   * so the restart's logins land in the second the rollout paced them into. An agent that hears it
   * late begins at the next whole second after it. Absent, or past: begin at once.
   */
  switchAt: Type.Optional(Timestamp),
});
export type HeartbeatReply = Static<typeof HeartbeatReply>;

import { Type, type Static } from 'typebox';

// The sandbox's demo controls (`iamroll start` only; production has no /api/v1/sandbox).

export const SandboxInstanceRole = Type.Enum(['primary', 'replica']);
export type SandboxInstanceRole = Static<typeof SandboxInstanceRole>;

export const SandboxInstance = Type.Object({
  /** The simulated DBInstanceIdentifier (also the registered database's identifier). */
  identifier: Type.String(),
  role: SandboxInstanceRole,
  endpointHost: Type.String(),
  endpointPort: Type.Integer(),
  /** What the simulated RDS instance admits before it throttles (the "RDS truth"). */
  throttleBudgetPerSecond: Type.Number({ minimum: 0 }),
  /** The simulator's last full second: IAM logins attempted and throttled. */
  iamLoginsLastSecond: Type.Integer({ minimum: 0 }),
  throttledLastSecond: Type.Integer({ minimum: 0 }),
});
export type SandboxInstance = Static<typeof SandboxInstance>;

export const SandboxFault = Type.Enum(['restart-fails', 'agent-stopped']);
export type SandboxFault = Static<typeof SandboxFault>;

export const SandboxNode = Type.Object({
  name: Type.String(),
  /** traditional, control_plane or data_plane. */
  role: Type.String(),
  /** What its kong.conf demonstrates (e.g. "pg_ssl_verify = ON"), if anything. */
  note: Type.Union([Type.String(), Type.Null()]),
  /** Restarts still set to fail. */
  failingRestarts: Type.Integer({ minimum: 0 }),
  isAgentRunning: Type.Boolean(),
});
export type SandboxNode = Static<typeof SandboxNode>;

/**
 * An IAM database user on the simulated instances (a PostgreSQL role of the cluster both share).
 * As on RDS, only a member of rds_iam can log in with an IAM token, and then only with one.
 */
export const SandboxIamUser = Type.Object({
  user: Type.String(),
  hasRdsIam: Type.Boolean(),
  /** Sandbox nodes that log in as this user once a connection is on IAM. */
  nodeCount: Type.Integer({ minimum: 0 }),
});
export type SandboxIamUser = Static<typeof SandboxIamUser>;

export const SandboxView = Type.Object({
  stateDir: Type.String(),
  instances: Type.Array(SandboxInstance),
  nodes: Type.Array(SandboxNode),
  iamUsers: Type.Array(SandboxIamUser),
});
export type SandboxView = Static<typeof SandboxView>;

export const SandboxIdentifierParams = Type.Object(
  { identifier: Type.String({ minLength: 1, maxLength: 63 }) },
  { additionalProperties: false },
);
export type SandboxIdentifierParams = Static<typeof SandboxIdentifierParams>;

export const SandboxNodeParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type SandboxNodeParams = Static<typeof SandboxNodeParams>;

export const SandboxThrottleBody = Type.Object(
  { throttleBudgetPerSecond: Type.Integer({ minimum: 0, maximum: 100_000 }) },
  { additionalProperties: false },
);
export type SandboxThrottleBody = Static<typeof SandboxThrottleBody>;

export const SandboxBreakBody = Type.Object(
  {
    fault: SandboxFault,
    /** restart-fails: how many next restarts fail (default 1). */
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type SandboxBreakBody = Static<typeof SandboxBreakBody>;

export const SandboxAddNodesBody = Type.Object(
  { count: Type.Integer({ minimum: 1, maximum: 50 }) },
  { additionalProperties: false },
);
export type SandboxAddNodesBody = Static<typeof SandboxAddNodesBody>;

export const SandboxIamUserParams = Type.Object(
  { user: Type.String({ minLength: 1, maxLength: 63 }) },
  { additionalProperties: false },
);
export type SandboxIamUserParams = Static<typeof SandboxIamUserParams>;

/** false: REVOKE rds_iam (the user's IAM logins fail, as on RDS); true: GRANT it back. */
export const SandboxRdsIamBody = Type.Object({ hasRdsIam: Type.Boolean() }, { additionalProperties: false });
export type SandboxRdsIamBody = Static<typeof SandboxRdsIamBody>;

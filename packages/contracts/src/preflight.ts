import { Type, type Static } from 'typebox';
import { Reason, Timestamp, Uuid } from './common';

// Preflight: every prerequisite of IAM authentication, proven per node (by its agent, with the
// node's own credentials and its effective config for the *target* stage, without changing
// Kong) and per database (by the controller, with DescribeDBInstances), before any switch.
// The agent runs the same checks as `iamroll preflight`; the controller asks for a run in the
// heartbeat reply and stores what the agent reports. Nothing here may carry a secret.

/** The stages a preflight can prove (password needs nothing). */
export const PreflightStage = Type.Enum(['ro_iam', 'rw_iam']);
export type PreflightStage = Static<typeof PreflightStage>;

/**
 * The node checks, in the order they run. A check that cannot run because an earlier one
 * failed is `skip` (with the reason), never `pass`.
 * - `credentials`: which AWS credential source the node resolves (env keys, profile + file,
 *   ECS container, web identity, instance role) and whether it resolves.
 * - `sts`: web identity only: STS answers, and regional STS is configured.
 * - `assume-role`: with an assume-role ARN, AssumeRole succeeds with the session name.
 * - `token`: a token signs for the target host, port, user and the region Kong derives.
 * - `tls-login`: a TLS login with that token as the target IAM user succeeds through the core
 *   pool (certificate verified when pg_ssl_verify is on).
 * - `rds-iam-member`: the user is a member of `rds_iam`.
 * - `database-rights`: connect, schema usage, read (and write for read-write) on Kong's tables.
 * - `lint`: the config lints without errors for the target stage.
 * - `reminder`: advice that applies (never fails): AWS credential variables cannot change
 *   after Kong starts; `kong migrations` must run with `-c <kong.conf>` once IAM is enabled.
 */
export const PreflightCheckId = Type.Enum([
  'credentials',
  'sts',
  'assume-role',
  'token',
  'tls-login',
  'rds-iam-member',
  'database-rights',
  'lint',
  'reminder',
]);
export type PreflightCheckId = Static<typeof PreflightCheckId>;

export const PreflightCheckStatus = Type.Enum(['pass', 'fail', 'skip', 'info']);
export type PreflightCheckStatus = Static<typeof PreflightCheckStatus>;

export const PreflightCheck = Type.Object(
  {
    id: PreflightCheckId,
    /** `rw` or `ro` for checks about one connection; null for node-wide ones. */
    connection: Type.Union([Type.Enum(['rw', 'ro']), Type.Null()]),
    status: PreflightCheckStatus,
    /** What was proven or what went wrong, e.g. "credentials from the web identity token file". */
    message: Type.String({ minLength: 1, maxLength: 2_000 }),
    /** The exact fix when it failed: the policy document, the SQL, the kong.conf line. Empty otherwise. */
    fix: Type.String({ maxLength: 8_000 }),
  },
  { additionalProperties: false },
);
export type PreflightCheck = Static<typeof PreflightCheck>;

/** One preflight run for one target stage. */
export const PreflightResult = Type.Object(
  {
    stage: PreflightStage,
    /** The agent's clock when the run finished. */
    checkedAt: Timestamp,
    /** Every check is `pass`, `skip` for a reason that does not apply, or `info`. */
    isPassed: Type.Boolean(),
    checks: Type.Array(PreflightCheck, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type PreflightResult = Static<typeof PreflightResult>;

/**
 * In the heartbeat reply: run preflight for these stages and report it. The agent answers by
 * sending `preflight` with the same `requestId` in a following heartbeat; a request it has
 * already answered is not run again.
 */
export const PreflightRequest = Type.Object(
  {
    requestId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' }),
    stages: Type.Array(PreflightStage, { minItems: 1, maxItems: 2 }),
  },
  { additionalProperties: false },
);
export type PreflightRequest = Static<typeof PreflightRequest>;

/** In the heartbeat body: the answer to a request (sent once; the controller keeps the latest per stage). */
export const PreflightReport = Type.Object(
  {
    requestId: PreflightRequest.properties.requestId,
    results: Type.Array(PreflightResult, { minItems: 1, maxItems: 2 }),
  },
  { additionalProperties: false },
);
export type PreflightReport = Static<typeof PreflightReport>;

/** `GET /api/v1/nodes/{id}/preflight`. */
export const NodePreflightView = Type.Object({
  nodeId: Uuid,
  /** The latest result per stage, with its age. */
  results: Type.Array(
    Type.Object({
      stage: PreflightStage,
      checkedAt: Timestamp,
      /** Seconds since checkedAt, by the controller's clock. */
      ageSeconds: Type.Number({ minimum: 0 }),
      isPassed: Type.Boolean(),
      checks: Type.Array(PreflightCheck),
    }),
  ),
  /** A run asked for and not answered yet. */
  pending: Type.Union([
    Type.Object({ requestId: Type.String(), stages: Type.Array(PreflightStage), requestedAt: Timestamp }),
    Type.Null(),
  ]),
  /** An admin's override of a failed or missing preflight: rollouts switch the node anyway. */
  override: Type.Union([Type.Object({ by: Type.String(), reason: Type.String(), at: Timestamp }), Type.Null()]),
});
export type NodePreflightView = Static<typeof NodePreflightView>;

/** `POST /api/v1/nodes/{id}/preflight`: ask the node's agent to run it again (default: both stages). */
export const RunPreflightBody = Type.Object(
  {
    stages: Type.Optional(Type.Array(PreflightStage, { minItems: 1, maxItems: 2 })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type RunPreflightBody = Static<typeof RunPreflightBody>;

/** `POST /api/v1/nodes/{id}/preflight/override` (admin): switch the node despite its preflight. */
export const PreflightOverrideBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type PreflightOverrideBody = Static<typeof PreflightOverrideBody>;

/**
 * Per database (controller): what DescribeDBInstances says about the instance. `status`:
 * `ok` IAM database authentication is enabled; `iam_disabled`; `not_found`; `error` (the
 * call failed: credentials, network, permissions — `message` says which and what to do);
 * `unchecked` (never asked, e.g. no AWS access configured).
 */
export const DatabaseIamCheck = Type.Object({
  status: Type.Enum(['ok', 'iam_disabled', 'not_found', 'error', 'unchecked']),
  checkedAt: Type.Union([Timestamp, Type.Null()]),
  message: Type.String(),
  fix: Type.String(),
  iamDatabaseAuthenticationEnabled: Type.Union([Type.Boolean(), Type.Null()]),
  /** `db-XXXX`: the resource id the `rds-db:connect` policy names. */
  dbiResourceId: Type.Union([Type.String(), Type.Null()]),
  endpoint: Type.Union([Type.Object({ address: Type.String(), port: Type.Integer() }), Type.Null()]),
});
export type DatabaseIamCheck = Static<typeof DatabaseIamCheck>;

import { Type, type Static } from 'typebox';
import { Limit, Offset, Page, Reason, Timestamp, Uuid } from './common';

// Staged, paced rollouts (read-only first): POST /api/v1/rollouts(/preview), GET, and the
// controls. The spec fields beyond `scope` are validated by the engine
// (@iamroll/core/rollout normaliseRolloutSpec), which names each bad field in a 400.

export const RolloutStatus = Type.Enum([
  'pending',
  'running',
  'paused',
  'completed',
  'aborted',
  'rolling_back',
  'rolled_back',
]);
export type RolloutStatus = Static<typeof RolloutStatus>;

export const RolloutPhase = Type.Enum(['ro_iam', 'rw_iam']);
export type RolloutPhase = Static<typeof RolloutPhase>;

export const RolloutNodeState = Type.Enum([
  'waiting',
  'switching',
  'switched',
  'failed',
  'reverted',
  'skipped',
  'blocked',
]);
export type RolloutNodeState = Static<typeof RolloutNodeState>;

/** A stage as the engine sees it: `rw_iam_ro_password` is the mixed node (read-write on IAM, read-only on passwords). */
export const RolloutStage = Type.Enum(['password', 'ro_iam', 'rw_iam', 'rw_iam_ro_password']);

const Quantity = Type.Unknown({ description: 'A count (`3`) or a share (`{"share": 0.1}`).' });

/** The spec: only `scope` is required; everything else has the documented default. */
export const RolloutSpecBody = Type.Object(
  {
    scope: Type.Unknown({
      description:
        '`{"databaseId": "<id>"}` (every node whose rw or ro connection targets it) or `{"nodeIds": […], "roles": […], "kongVersions": […], "labels": {…}}`.',
    }),
    phases: Type.Optional(Type.Unknown({ description: 'Default `["ro_iam", "rw_iam"]`.' })),
    canary: Type.Optional(Quantity),
    waves: Type.Optional(
      Type.Unknown({
        description: 'Cumulative shares (default `[0.25, 0.5, 1]`) or `{"growthFactor": 2, "initialShare": 0.1}`.',
      }),
    ),
    bakeSeconds: Type.Optional(Type.Unknown({ description: 'Every bake at once (default 300).' })),
    waveBakeSeconds: Type.Optional(Type.Unknown()),
    finalBakeSeconds: Type.Optional(Type.Unknown()),
    targetUtilisation: Type.Optional(Type.Unknown({ description: 'Share of each database budget (default 0.5).' })),
    maxUnavailable: Type.Optional(Quantity),
    failureLimit: Type.Optional(Quantity),
    onAlarm: Type.Optional(Type.Unknown({ description: '`pause` (default) or `rollback_wave`.' })),
    needsAssumeRole: Type.Optional(Type.Unknown()),
    burstWindowSeconds: Type.Optional(Type.Unknown()),
    switchTimeoutSeconds: Type.Optional(Type.Unknown()),
    preflightMaxAgeSeconds: Type.Optional(
      Type.Unknown({ description: 'A preflight verdict older than this blocks the node (default 3600).' }),
    ),
    preflightWaitSeconds: Type.Optional(
      Type.Unknown({
        description:
          'How long a node whose agent runs preflight waits for the verdict the rollout asked for, before it is blocked (default 120).',
      }),
    ),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type RolloutSpecBody = Static<typeof RolloutSpecBody>;

export const CreateRolloutBody = Type.Object(
  {
    ...RolloutSpecBody.properties,
    /** Default true: the rollout starts at once; false leaves it `pending` until `start`. */
    start: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateRolloutBody = Static<typeof CreateRolloutBody>;

export const RolloutControlBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type RolloutControlBody = Static<typeof RolloutControlBody>;

export const RolloutControl = Type.Enum([
  'start',
  'pause',
  'resume',
  'promote',
  'promote-all',
  'abort',
  'rollback',
  'finalize',
]);
export type RolloutControl = Static<typeof RolloutControl>;

export const RolloutControlParams = Type.Object({ id: Uuid, control: RolloutControl }, { additionalProperties: false });
export type RolloutControlParams = Static<typeof RolloutControlParams>;

export const RolloutNodeView = Type.Object({
  id: Uuid,
  hostname: Type.Union([Type.String(), Type.Null()]),
  phase: RolloutPhase,
  state: RolloutNodeState,
  fromStage: RolloutStage,
  toStage: RolloutStage,
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type RolloutNodeView = Static<typeof RolloutNodeView>;

const Actor = Type.Object({ by: Type.String(), reason: Type.String(), at: Timestamp });

export const RolloutSummary = Type.Object({
  id: Uuid,
  status: RolloutStatus,
  phase: Type.Union([RolloutPhase, Type.Null()]),
  message: Type.String(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
  /** Who paused or aborted it and why (the engine's name `iamroll` for a gate). */
  pause: Type.Union([Actor, Type.Null()]),
  finalizedAt: Type.Union([Timestamp, Type.Null()]),
  /** +1 on every write. */
  revision: Type.Integer({ minimum: 0 }),
});
export type RolloutSummary = Static<typeof RolloutSummary>;

/** Steps as the engine has them: a phase's last bake is its `final_bake` (ro_iam's gates rw_iam). */
export const RolloutStepKind = Type.Enum(['canary', 'wave', 'bake', 'final_bake']);
export type RolloutStepKind = Static<typeof RolloutStepKind>;

/** Where a running or paused rollout is: its current step. */
export const RolloutStepView = Type.Object({
  /** Index into the spec's steps (both phases in one list). */
  index: Type.Integer({ minimum: 0 }),
  phase: RolloutPhase,
  kind: RolloutStepKind,
  /** As in the message: `canary`, `wave 2 of 3 (50%)`, `bake after wave 2`, `final bake`. */
  label: Type.String(),
  /** 0 for the canary (and the bake after it), 1…waveCount for the waves (and the bakes after them). */
  waveIndex: Type.Integer({ minimum: 0 }),
  /** The phase's waves, the canary not counted. */
  waveCount: Type.Integer({ minimum: 0 }),
  /** A bake's start and planned end (a bake keeps running while paused); null for canary and waves. */
  bakeStartedAt: Type.Union([Timestamp, Type.Null()]),
  bakeEndsAt: Type.Union([Timestamp, Type.Null()]),
});
export type RolloutStepView = Static<typeof RolloutStepView>;

/** `rollout.control` on the event stream: every accepted control, with who, when and why. */
export const RolloutControlEvent = Type.Object({
  rolloutId: Uuid,
  control: Type.Union([RolloutControl, Type.Literal('override-ro-before-rw')]),
  by: Type.String(),
  reason: Type.String(),
  at: Timestamp,
  status: RolloutStatus,
});
export type RolloutControlEvent = Static<typeof RolloutControlEvent>;

export const RolloutView = Type.Object({
  ...RolloutSummary.properties,
  /** An admin let read-write start before every node ran read-only on IAM for the bake time: who and why. */
  roBeforeRwOverride: Type.Union([Actor, Type.Null()]),
  /** The current step while running or paused; null otherwise (pending, completed, aborted, rolling back, rolled back). */
  step: Type.Union([RolloutStepView, Type.Null()]),
  /** The normalised spec, every default filled. */
  spec: Type.Record(Type.String(), Type.Unknown()),
  nodes: Type.Array(RolloutNodeView),
});
export type RolloutView = Static<typeof RolloutView>;

export const RolloutList = Page(RolloutSummary);
export type RolloutList = Static<typeof RolloutList>;

export const RolloutsQuery = Type.Object(
  {
    status: Type.Optional(RolloutStatus),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type RolloutsQuery = Static<typeof RolloutsQuery>;

const NodeReason = Type.Object({ nodeId: Uuid, reason: Type.String() });

export const RolloutPreview = Type.Object({
  phases: Type.Array(
    Type.Object({
      phase: RolloutPhase,
      waves: Type.Array(
        Type.Object({
          stepIndex: Type.Integer(),
          label: Type.String(),
          nodeIds: Type.Array(Uuid),
          /** Nodes switched together under pacing and maxUnavailable, in order. */
          batches: Type.Array(Type.Array(Uuid)),
        }),
      ),
      skipped: Type.Array(NodeReason),
      blocked: Type.Array(NodeReason),
    }),
  ),
  databases: Type.Array(
    Type.Object({
      databaseId: Uuid,
      budgetPerSecond: Type.Number(),
      targetPerSecond: Type.Number(),
      measuredRatePerSecond: Type.Number(),
      /** Measured rate + the largest batch's bursts on this database. */
      projectedPeakPerSecond: Type.Number(),
      isOverTarget: Type.Boolean(),
    }),
  ),
  expectedDurationSeconds: Type.Number(),
  notes: Type.Array(Type.String()),
});
export type RolloutPreview = Static<typeof RolloutPreview>;

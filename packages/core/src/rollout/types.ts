import type { CurrentIamStage, IamStage } from '../config/plan';

// The rollout engine's vocabulary: the normalised spec (what the operator asked for), the
// state (what the engine remembers, persisted by the reconciler) and the decision (what the
// reconciler must do now). Every time is epoch milliseconds passed in by the caller.

export type RolloutPhase = 'ro_iam' | 'rw_iam';
export const ROLLOUT_PHASES: readonly RolloutPhase[] = ['ro_iam', 'rw_iam'];

export type RolloutStatusName =
  'pending' | 'running' | 'paused' | 'completed' | 'aborted' | 'rolling_back' | 'rolled_back';

export type NodeRolloutState = 'waiting' | 'switching' | 'switched' | 'failed' | 'reverted' | 'skipped' | 'blocked';

export type KongNodeRole = 'traditional' | 'control_plane' | 'data_plane';

/** A number of nodes, given as a count or as a share of the phase's eligible nodes. */
export type NodeQuantity =
  { readonly kind: 'count'; readonly count: number } | { readonly kind: 'share'; readonly share: number };

export interface NodeSelector {
  readonly nodeIds?: readonly string[];
  readonly roles?: readonly KongNodeRole[];
  /** Version prefixes at dot boundaries: "3.4" matches 3.4.0 and 3.4.3.12, not 3.40. */
  readonly kongVersions?: readonly string[];
  /** Every pair must match the labels the agent reports. */
  readonly labels?: Readonly<Record<string, string>>;
}

export type RolloutScope =
  | { readonly kind: 'database'; readonly databaseId: string }
  | { readonly kind: 'selector'; readonly selector: NodeSelector };

/** Steps as Argo Rollouts has them: a discriminated union, one list across both phases. */
export type RolloutStep =
  | {
      readonly kind: 'canary';
      readonly phase: RolloutPhase;
      readonly quantity: NodeQuantity;
    }
  | {
      readonly kind: 'wave';
      readonly phase: RolloutPhase;
      /** Cumulative share of the phase's eligible nodes reached at the end of this wave. */
      readonly cumulativeShare: number;
    }
  | {
      readonly kind: 'bake';
      readonly phase: RolloutPhase;
      readonly bakeSeconds: number;
      /** The last bake of a phase: ro_iam's gates the rw_iam phase, rw_iam's gates finalize. */
      readonly isFinal: boolean;
    };

export type SwitchStep = Extract<RolloutStep, { kind: 'canary' | 'wave' }>;

export type OnAlarm = 'pause' | 'rollback_wave';

export interface RolloutPacing {
  /** Share of each database's IAM budget the switches may use (projected rate ≤ target × budget). */
  readonly targetUtilisation: number;
  /** At most this many nodes restarting at once (CodeDeploy's minimum healthy hosts, inverted). */
  readonly maxUnavailable: NodeQuantity;
  /** How long a switched node's reconnect burst still counts as in flight after its agent reports. */
  readonly burstWindowSeconds: number;
  /** A switch its agent has not reported after this long counts as failed. */
  readonly switchTimeoutSeconds: number;
}

export interface RolloutSpec {
  readonly scope: RolloutScope;
  readonly phases: readonly RolloutPhase[];
  readonly steps: readonly RolloutStep[];
  readonly pacing: RolloutPacing;
  /** Failed switches tolerated (count or share of the phase's eligible nodes); one more pauses. */
  readonly failureLimit: NodeQuantity;
  readonly onAlarm: OnAlarm;
  /** The plan sets an assume-role ARN: Kong before 3.8 has no such setting. */
  readonly needsAssumeRole: boolean;
  /** A preflight verdict older than this blocks the node (only when a verdict is observed). */
  readonly preflightMaxAgeSeconds: number;
  /**
   * How long a preflight-capable node waits for the verdict the reconciler asked for before it is
   * blocked. Optional only for rollouts stored before it existed (default 120 s).
   */
  readonly preflightWaitSeconds?: number;
}

export interface Actor {
  readonly by: string;
  readonly reason: string;
  readonly atMs: number;
}

/** One node's progress through one phase. A node has at most one record per phase. */
export interface RolloutNodeRecord {
  readonly nodeId: string;
  readonly phase: RolloutPhase;
  readonly state: NodeRolloutState;
  readonly fromStage: CurrentIamStage;
  readonly toStage: CurrentIamStage;
  readonly reason: string | null;
  /** The switch step (index into spec.steps) that moves this node; null when skipped or blocked. */
  readonly stepIndex: number | null;
  /** `revert` while a rollback (or a wave rollback) takes the node back to `toStage`. */
  readonly direction: 'forward' | 'revert';
  /** When the current switch intent was issued (forward or revert). */
  readonly switchStartedAtMs: number | null;
  /**
   * When the agent is asked to begin the switch (the heartbeat reply's `switchAt`): the start of the
   * second its burst is planned in (pacing-seconds.ts plannedStartOf). Absent: at once.
   */
  readonly switchAtMs?: number | null;
  /** When the engine first saw the agent report the switch applied (or failed). */
  readonly settledAtMs: number | null;
  /** Expected IAM logins per second per database this switch causes (for the in-flight model). */
  readonly burstByDatabase: Readonly<Record<string, number>>;
  /** How many times a human resumed this node after a wave rollback (a switch per decision). */
  readonly attempt: number;
  /** Blocked by preflight or by a database with IAM disabled: lifted (back to waiting) once that clears. */
  readonly blockedBy?: 'preflight' | 'database-iam';
}

export type RevertScope =
  { readonly kind: 'all' } | { readonly kind: 'wave'; readonly phase: RolloutPhase; readonly stepIndex: number };

export interface RolloutState {
  readonly status: RolloutStatusName;
  readonly phase: RolloutPhase | null;
  /** Index into spec.steps; meaningful while running or paused. */
  readonly stepIndex: number;
  /** When the current step began (a bake's start time). */
  readonly stepStartedAtMs: number | null;
  /** Who paused (or aborted) and why; `gateKeys` are the gates that paused it (empty for a human). */
  readonly pause: (Actor & { readonly gateKeys: readonly string[] }) | null;
  readonly message: string;
  readonly nodes: readonly RolloutNodeRecord[];
  /** stepHash(spec) when the rollout started: a different hash means the plan was edited. */
  readonly stepHash: string | null;
  readonly startedAtMs: number | null;
  readonly finishedAtMs: number | null;
  /** Every remaining bake skipped (promote-all). */
  readonly isPromotedFully: boolean;
  /** Admin override of "read-only on IAM healthily before read-write". */
  readonly roBeforeRwOverride: Actor | null;
  /** Gates a human resumed past while they still fire; dropped once they clear. */
  readonly resumedGateKeys: readonly string[];
  /** What is being reverted: everything (rollback) or one wave (onAlarm = rollback_wave). */
  readonly revertScope: RevertScope | null;
  readonly finalBakeStartedAtMs: number | null;
  readonly finalizedAtMs: number | null;
}

export interface Rollout {
  readonly spec: RolloutSpec;
  readonly state: RolloutState;
}

export type { CurrentIamStage, IamStage };

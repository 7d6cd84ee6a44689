import type { CurrentIamStage, IamStage, KongNodeRole } from './types';

// What the reconciler reads from the store on every pass and hands to decide(). The
// engine trusts nothing else: level-triggered, the same observations give the same decision.

export type ConnectionKind = 'rw' | 'ro';

export interface PreflightVerdict {
  readonly stage: IamStage;
  readonly isPassed: boolean;
  readonly checkedAtMs: number;
  readonly reason: string | null;
}

export interface NodeObservation {
  readonly nodeId: string;
  /** The stage the agent last reported applied (its effective config), mixed included. */
  readonly stage: CurrentIamStage;
  readonly role: KongNodeRole;
  /** `database = off`: a DB-less node never connects to PostgreSQL. */
  readonly isDatabaseOff: boolean;
  readonly kongVersion: string | null;
  readonly labels: Readonly<Record<string, string>>;
  /** pg_ro_host is set: Kong opens a separate read-only connection. */
  readonly hasReadOnlyConnection: boolean;
  /** Databases the effective read-write / read-only connections target (null: unknown host). */
  readonly rwDatabaseId: string | null;
  readonly roDatabaseId: string | null;
  /** nginx worker processes: each opens its own pool. */
  readonly workerCount: number | null;
  /** Connections kept per worker, per connection kind (pg_pool_size / pg_ro_pool_size). */
  readonly poolSize: Readonly<Record<ConnectionKind, number | null>>;
  /** The highest connection establishment rate its counters showed in earlier switches. */
  readonly observedPeakPerSecond?: Readonly<Partial<Record<ConnectionKind, number>>>;
  /**
   * Its new connections per second on each database over the last seconds (its monotonic
   * counters, as FleetRates spread them): `counts[i]` is second `fromSecond + i`. Pacing reads
   * how much of a switch's burst has already landed from it (burst.ts landedLogins).
   */
  readonly recentLogins?: {
    readonly fromSecond: number;
    readonly byDatabase: Readonly<Record<string, readonly number[]>>;
  };
  /** The node's config sets an assume-role ARN (Kong 3.8+ only). */
  readonly usesAssumeRole: boolean;
  readonly isStale: boolean;
  /** Non-throttle IAM authentication failures in the reported window. */
  readonly authFailuresInWindow: number;
  /** Since when the node has been on `stage` (for "healthy for the bake time"). */
  readonly stageSinceMs: number | null;
  /** The agent's last switch report: a failed switch was reverted by the agent itself. */
  readonly switchReport?: {
    readonly stage: CurrentIamStage;
    readonly outcome: 'applied' | 'failed';
    readonly reason: string | null;
    readonly atMs: number;
  };
  /** Seam for preflight checks: when present, a failed or too old verdict blocks the node. */
  readonly preflight?: readonly PreflightVerdict[];
  /** An admin's per-node override of a failed preflight, with the written reason. */
  readonly preflightOverride?: { readonly by: string; readonly reason: string };
  /**
   * Its agent answers preflight requests (`capabilities: ['preflight']`): a switch then waits for
   * a fresh passing verdict (see preflight-gate.ts). Without it only a reported failure gates.
   */
  readonly isPreflightCapable?: boolean;
  /** A preflight asked of its agent and not answered yet. */
  readonly preflightPending?: { readonly stages: readonly IamStage[]; readonly requestedAtMs: number };
  /** When its agent was last asked (answered or not): an answer still too old is blocked, not asked again at once. */
  readonly preflightLastAskedAtMs?: number;
}

export interface DatabaseObservation {
  readonly databaseId: string;
  /** New IAM authentications per second RDS tolerates on this instance (~200). */
  readonly budgetPerSecond: number;
  /** The measured IAM login rate now (the latest 1 s figure, not a long average). */
  readonly ratePerSecond: number;
  /**
   * The (epoch) second `ratePerSecond` counts, the last complete one. Logins a node made up to it
   * are in the measured rate (or past); later ones still count as its burst in flight.
   */
  readonly rateSecond?: number;
  /**
   * Its IAM logins per second over the last few seconds through `rateSecond` (`counts[i]` is
   * second `fromSecond + i`; the last one still filling). With it (and the nodes' recentLogins),
   * pacing projects per second, as RDS counts (pacing-seconds.ts): a burst that landed in a past
   * second no longer holds later ones. Without it, `ratePerSecond` is the projection's base.
   */
  readonly recentCounts?: { readonly fromSecond: number; readonly counts: readonly number[] };
  /**
   * What DescribeDBInstances last said (controller side of preflight): `iam_disabled` blocks every
   * node whose switch would log in there. Absent or any other status: no gate.
   */
  readonly iamCheck?: { readonly status: string; readonly message: string; readonly fix: string };
}

export interface AlarmObservation {
  readonly id: string;
  readonly kind: string;
  readonly databaseId?: string;
  readonly nodeId?: string;
  readonly openedAtMs: number;
  /** Acknowledging tells others a human looks at it; it never resumes a rollout. */
  readonly isAcknowledged: boolean;
}

/** A generic external gate (a CloudWatch alarm later): only `ALARM` gates. */
export interface ExternalGateObservation {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly sinceMs: number;
}

export type ControlKind =
  | 'start'
  | 'pause'
  | 'resume'
  | 'promote'
  | 'promote-all'
  | 'abort'
  | 'rollback'
  | 'finalize'
  | 'override-ro-before-rw';

export const CONTROL_KINDS: readonly ControlKind[] = [
  'start',
  'pause',
  'resume',
  'promote',
  'promote-all',
  'abort',
  'rollback',
  'finalize',
  'override-ro-before-rw',
];

export interface ControlRequest {
  readonly id?: string;
  readonly kind: ControlKind;
  readonly by: string;
  readonly reason: string;
  readonly atMs: number;
  /** Only admins may override read-only-before-read-write. */
  readonly isAdmin?: boolean;
}

export interface RolloutObservations {
  readonly nodes: readonly NodeObservation[];
  readonly databases: readonly DatabaseObservation[];
  readonly alarms: readonly AlarmObservation[];
  readonly externalGates?: readonly ExternalGateObservation[];
  /** Controls not yet applied, oldest first. */
  readonly controls?: readonly ControlRequest[];
}

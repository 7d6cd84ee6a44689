import { AUTH_FAILURE_CAUSES, type AuthFailureCause, type ConnectionKind, type CounterSnapshot } from './counter-delta';
import { SecondSeries } from './second-series';

// The state FleetRates keeps per node and per database, and how it starts.

/** Where one connection kind of a node authenticates, and whether it does so with IAM now. */
export interface KindRoute {
  readonly databaseId: string;
  /** Only IAM authentications count against the database's IAM budget. */
  readonly isIam: boolean;
}

export interface NodeRoutes {
  readonly rw?: KindRoute;
  readonly ro?: KindRoute;
  /** The node's heartbeat interval (default 1 s). */
  readonly heartbeatIntervalMs?: number;
}

export interface DatabaseSeries {
  /** New connections of every kind routed here, IAM or password. */
  readonly attempts: SecondSeries;
  /** New connections made with IAM: what RDS's ~200/s budget counts. */
  readonly iamAttempts: SecondSeries;
  /** Throttled authentications, at the second they were reported. */
  readonly throttled: SecondSeries;
  lastThrottledAtMs: number | undefined;
}

export interface KindState {
  route: KindRoute | undefined;
  /** Attempts per second; created with the kind's first attempt (most nodes use one kind). */
  series: SecondSeries | undefined;
  /** [series, its database's attempts (, iamAttempts)]: written together. */
  targets: SecondSeries[];
  /** Highest establishment rate seen in one heartbeat (a refinement for burst estimates). */
  peakEstablishedPerSecond: number;
}

export type NonThrottleCause = Exclude<AuthFailureCause, 'throttled'>;
export const NON_THROTTLE_CAUSES: readonly NonThrottleCause[] = AUTH_FAILURE_CAUSES.filter(
  (cause): cause is NonThrottleCause => cause !== 'throttled',
);

export interface NodeState {
  /** The last accepted snapshot: the next one is diffed against it. */
  last: CounterSnapshot | undefined;
  /** Controller time of the last heartbeat that was not out of order. */
  lastHeartbeatAtMs: number | undefined;
  /** When the current uninterrupted run of heartbeats began. */
  heartbeatStreakStartMs: number | undefined;
  heartbeatIntervalMs: number;
  readonly kinds: Record<ConnectionKind, KindState>;
  /** Failures that are not throttling, at the second they were reported; created on the first. */
  failures: Record<NonThrottleCause, SecondSeries> | undefined;
  /** The node's own throttled logins, at the second they were reported (its detail page); created on the first. */
  throttled: SecondSeries | undefined;
  lastAuthFailureAtMs: number | undefined;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

function createKindState(): KindState {
  return { route: undefined, series: undefined, targets: [], peakEstablishedPerSecond: 0 };
}

export function createNodeState(): NodeState {
  return {
    last: undefined,
    lastHeartbeatAtMs: undefined,
    heartbeatStreakStartMs: undefined,
    heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
    kinds: { rw: createKindState(), ro: createKindState() },
    failures: undefined,
    throttled: undefined,
    lastAuthFailureAtMs: undefined,
  };
}

export function createDatabaseSeries(capacitySeconds: number): DatabaseSeries {
  return {
    attempts: new SecondSeries(capacitySeconds),
    iamAttempts: new SecondSeries(capacitySeconds),
    throttled: new SecondSeries(capacitySeconds),
    lastThrottledAtMs: undefined,
  };
}

export function createFailureSeries(capacitySeconds: number): Record<NonThrottleCause, SecondSeries> {
  return {
    invalidToken: new SecondSeries(capacitySeconds),
    notAuthorized: new SecondSeries(capacitySeconds),
    other: new SecondSeries(capacitySeconds),
  };
}

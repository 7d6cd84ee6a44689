import type { ConnectionKind } from './counter-delta';
import type { FleetRates } from './fleet-rates';
import { NON_THROTTLE_CAUSES, type NonThrottleCause } from './fleet-state';
import { SECOND_MS, secondOf } from './second-series';

// The figures alarm evaluation and pacing read from FleetRates, shaped to be spread into
// `DatabaseAlarmInput` / `NodeAlarmInput` beside what the database row knows (name, budget).

export const DEFAULT_WINDOW_SECONDS = 10;
/** Heartbeats covering the last second are still arriving for about one interval. */
export const DEFAULT_SETTLE_MS = 1_000;

export interface FigureOptions {
  readonly windowSeconds?: number;
  readonly settleMs?: number;
}

export interface DatabaseFigures {
  /** IAM authentications per second, averaged over the window (settled). */
  readonly ratePerSecond: number;
  /** Every new connection, IAM or password, per second over the same window. */
  readonly allAttemptsPerSecond: number;
  /** IAM authentications in the busiest second of the window, the unsettled second in progress included. */
  readonly busiestSecondCount: number;
  /** Throttled authentications reported in the last `windowSeconds` (up to now). */
  readonly throttledInWindow: number;
  readonly lastThrottledAtMs: number | undefined;
}

export interface NodeFigures {
  readonly lastHeartbeatAtMs: number | undefined;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatStreakStartMs: number | undefined;
  /** Failures other than throttling reported in the last `windowSeconds`, by cause. */
  readonly authFailuresInWindow: Readonly<Record<NonThrottleCause, number>>;
  readonly lastAuthFailureAtMs: number | undefined;
  readonly peakEstablishedPerSecond: Readonly<Record<ConnectionKind, number>>;
}

/** Seconds (now - window, now]: events count as soon as they are reported. */
function eventWindow(nowMs: number, windowSeconds: number): [number, number] {
  const nowSecond = secondOf(nowMs);
  return [nowSecond - windowSeconds + 1, nowSecond + 1];
}

/** Zeros for a database nothing was routed to yet. */
export function databaseFigures(
  fleet: FleetRates,
  databaseId: string,
  nowMs: number,
  options: FigureOptions = {},
): DatabaseFigures {
  const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const settledMs = nowMs - (options.settleMs ?? DEFAULT_SETTLE_MS);
  const database = fleet.database(databaseId);
  if (database === undefined) {
    return {
      ratePerSecond: 0,
      allAttemptsPerSecond: 0,
      busiestSecondCount: 0,
      throttledInWindow: 0,
      lastThrottledAtMs: undefined,
    };
  }
  const [from, to] = eventWindow(nowMs, windowSeconds);
  return {
    ratePerSecond: database.iamAttempts.windowAverage(settledMs, windowSeconds),
    allAttemptsPerSecond: database.attempts.windowAverage(settledMs, windowSeconds),
    // Unsettled on purpose: a count only grows, so a second already over the budget is over it.
    busiestSecondCount: database.iamAttempts.peak(from * SECOND_MS, to * SECOND_MS)?.count ?? 0,
    throttledInWindow: database.throttled.sumSeconds(from, to),
    lastThrottledAtMs: database.lastThrottledAtMs,
  };
}

export function nodeFigures(
  fleet: FleetRates,
  nodeId: string,
  nowMs: number,
  options: FigureOptions = {},
): NodeFigures | undefined {
  const node = fleet.node(nodeId);
  if (node === undefined) return undefined;
  const [from, to] = eventWindow(nowMs, options.windowSeconds ?? DEFAULT_WINDOW_SECONDS);
  const authFailuresInWindow = { invalidToken: 0, notAuthorized: 0, other: 0 };
  if (node.failures !== undefined) {
    for (const cause of NON_THROTTLE_CAUSES) authFailuresInWindow[cause] = node.failures[cause].sumSeconds(from, to);
  }
  return {
    lastHeartbeatAtMs: node.lastHeartbeatAtMs,
    heartbeatIntervalMs: node.heartbeatIntervalMs,
    heartbeatStreakStartMs: node.heartbeatStreakStartMs,
    authFailuresInWindow,
    lastAuthFailureAtMs: node.lastAuthFailureAtMs,
    peakEstablishedPerSecond: {
      rw: node.kinds.rw.peakEstablishedPerSecond,
      ro: node.kinds.ro.peakEstablishedPerSecond,
    },
  };
}

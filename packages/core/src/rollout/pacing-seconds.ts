import { burstLoginsAt } from './burst';
import type { DatabaseObservation, RolloutObservations } from './observations';
import type { RolloutState } from './types';

// The base of the pacing projection, per second as RDS counts (its IAM limit is per second).
// A new switch's burst can land in the current second or a later one, never in a past one. So
// what the next bursts share a second with is: the database's churn (logins no switch caused:
// idle connections reopening, other clients), estimated from the last complete seconds with the
// bursts that landed in them taken out, plus the bursts that already landed in the current second
// (reported by their agents) and SPILL_SHARE of those of the previous second (connect latency),
// plus the bursts still in flight (pacing.ts remainingBurst). A burst that landed and was reported
// in an earlier second holds no later one beyond that share: it filled its own second. The raw
// count of the current second is a floor (it only grows).
//
// Without the database's per-second counts the base is `ratePerSecond`, as before; a node without
// login history has its burst left in the churn (over-counted, never under).

/** Complete seconds the churn is estimated from (their busiest, bursts taken out). */
export const CHURN_SECONDS = 3;
/**
 * A node counts a login when it begins to connect; RDS counts it when the token arrives, a TCP +
 * TLS handshake later (~0.1–0.3 s on a loaded host): the logins of a burst counted in the last
 * part of a second can reach RDS in the next. This share of the previous second's burst logins
 * counts in the current second too (the rollout bench saw 6 bursts of 21 in one simulator second
 * with 5 projected without it, and up to 131 logins, 6.5 bursts, in one second with a quarter).
 */
export const SPILL_SHARE = 0.35;
/** How long after its start a switch's logins are its burst; later ones are the node's churn. */
export const BURST_SPAN_SECONDS = 10;

/** Per database and second: the logins of switches' bursts (switches started within BURST_SPAN_SECONDS). */
function burstLoginsBySecond(
  databaseId: string,
  state: RolloutState,
  observations: RolloutObservations,
  fromSecond: number,
  toSecond: number,
): number[] {
  const latestStart = new Map<string, number>();
  for (const record of state.nodes) {
    const startedAtMs = record.switchStartedAtMs;
    if (startedAtMs === null || !(databaseId in record.burstByDatabase)) continue;
    // A node switched twice (both phases) is taken from its latest switch on: never subtracted twice.
    if (startedAtMs > (latestStart.get(record.nodeId) ?? Number.NEGATIVE_INFINITY))
      latestStart.set(record.nodeId, startedAtMs);
  }
  const totals = new Array<number>(toSecond - fromSecond + 1).fill(0);
  if (latestStart.size === 0) return totals;
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  for (const [nodeId, startedAtMs] of latestStart) {
    const startSecond = Math.floor(startedAtMs / 1000);
    if (startSecond > toSecond || startSecond + BURST_SPAN_SECONDS < fromSecond) continue;
    const node = byId.get(nodeId);
    if (node === undefined) continue;
    for (let second = Math.max(fromSecond, startSecond); second <= toSecond; second++) {
      if (second > startSecond + BURST_SPAN_SECONDS) break;
      totals[second - fromSecond]! += burstLoginsAt(node, databaseId, startedAtMs, second) ?? 0;
    }
  }
  return totals;
}

export interface ProjectionBase {
  /** The rate the next bursts add to: churn + bursts landed in the current second, at least its raw count. */
  readonly ratePerSecond: number;
  readonly churnPerSecond: number | null;
}

export function projectionBaseOf(
  database: DatabaseObservation,
  state: RolloutState,
  observations: RolloutObservations,
): ProjectionBase {
  const recent = database.recentCounts;
  const nowSecond = database.rateSecond;
  if (recent === undefined || nowSecond === undefined || nowSecond < recent.fromSecond)
    return { ratePerSecond: database.ratePerSecond, churnPerSecond: null };
  const fromSecond = Math.max(recent.fromSecond, nowSecond - CHURN_SECONDS);
  const countAt = (second: number) => recent.counts[second - recent.fromSecond] ?? 0;
  const bursts = burstLoginsBySecond(database.databaseId, state, observations, fromSecond, nowSecond);
  let churn = 0;
  for (let second = fromSecond; second < nowSecond; second++)
    churn = Math.max(churn, countAt(second) - (bursts[second - fromSecond] ?? 0));
  const spill = nowSecond > fromSecond ? SPILL_SHARE * (bursts[nowSecond - 1 - fromSecond] ?? 0) : 0;
  const current = churn + (bursts[nowSecond - fromSecond] ?? 0) + spill;
  return { ratePerSecond: Math.max(countAt(nowSecond), current), churnPerSecond: churn };
}

/** The databases as pacing projects from them: `ratePerSecond` replaced by the per-second base. */
export function pacedDatabases(state: RolloutState, observations: RolloutObservations): DatabaseObservation[] {
  return observations.databases.map((database) => ({
    ...database,
    ratePerSecond: projectionBaseOf(database, state, observations).ratePerSecond,
  }));
}

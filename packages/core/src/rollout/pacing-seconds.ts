import { burstLoginsAt, burstStartOf } from './burst';
import type { DatabaseObservation, RolloutObservations } from './observations';
import type { RolloutState } from './types';

// The base of the pacing projection, per second as RDS counts (its IAM limit is per second).
// A new switch's burst can land in the current second or a later one, never in a past one. So
// what the next bursts share a second with is: the database's churn (logins no switch caused:
// idle connections reopening, other clients), estimated from the last complete seconds with the
// bursts that landed in them taken out, plus the bursts that already landed in that second
// (reported by their agents) and SPILL_SHARE of those the previous second began late, plus the
// bursts still in flight (pacing.ts remainingBurst). A burst that landed and was reported in an
// earlier second holds no later one beyond that share: it filled its own second. The raw count of
// the current second is a floor (it only grows).
//
// Planned seconds: a switch decided early in a second (START_NOW_MS) starts at once; one decided
// later starts at the next second's beginning (`switchAt` in the heartbeat reply, which the agent
// waits for), so its logins land inside one second instead of straddling two, and the passes in
// the rest of a second fill the next one, whose base is the churn alone (the current second's
// landed bursts are not in it).
//
// Without the database's per-second counts the base is `ratePerSecond`, as before; a node without
// login history has its burst left in the churn (over-counted, never under).

/** Complete seconds the churn is estimated from (their busiest, bursts taken out). */
export const CHURN_SECONDS = 3;
/**
 * A node counts a login when it begins to connect; RDS counts it when the token arrives, a TCP +
 * TLS handshake later (~0.1–0.3 s on a loaded host): the logins of a burst begun in the last part
 * of a second can reach RDS in the next. This share of the burst logins of switches the previous
 * second began late (after START_NOW_MS: reverts, and switches from before planned starts) counts
 * in the current second too (the rollout bench saw 6 bursts of 21 in one simulator second with 5
 * projected without it, and up to 131 logins, 6.5 bursts, in one second with a quarter). Planned
 * bursts begin at a second's start and land in it.
 */
export const SPILL_SHARE = 0.35;
/** How long after its start a switch's logins are its burst; later ones are the node's churn. */
export const BURST_SPAN_SECONDS = 10;
/**
 * A switch decided this early in a second starts at once: heard within a hot node's 250 ms
 * heartbeat and restarted in ~0.3 s, its logins still land in that second. Later, it is planned for
 * the next second's start.
 */
export const START_NOW_MS = 150;

/** When switches decided at `nowMs` begin: at once early in a second, else at the next second's start. */
export function plannedStartOf(nowMs: number): number {
  const offsetMs = nowMs - Math.floor(nowMs / 1000) * 1000;
  return offsetMs <= START_NOW_MS ? nowMs : nowMs - offsetMs + 1000;
}

const isLateInItsSecond = (startMs: number) => startMs - Math.floor(startMs / 1000) * 1000 > START_NOW_MS;

interface BurstSeconds {
  /** Per second from `fromSecond`: every switch's burst logins. */
  readonly all: number[];
  /** Those of switches begun late in their second (their logins may reach RDS in the next). */
  readonly late: number[];
}

/** Per database and second: the logins of switches' bursts (switches started within BURST_SPAN_SECONDS). */
function burstLoginsBySecond(
  databaseId: string,
  state: RolloutState,
  observations: RolloutObservations,
  fromSecond: number,
  toSecond: number,
): BurstSeconds {
  const latestStart = new Map<string, number>();
  for (const record of state.nodes) {
    const startedAtMs = burstStartOf(record);
    if (startedAtMs === null || !(databaseId in record.burstByDatabase)) continue;
    // A node switched twice (both phases) is taken from its latest switch on: never subtracted twice.
    if (startedAtMs > (latestStart.get(record.nodeId) ?? Number.NEGATIVE_INFINITY))
      latestStart.set(record.nodeId, startedAtMs);
  }
  const all = new Array<number>(toSecond - fromSecond + 1).fill(0);
  const late = new Array<number>(toSecond - fromSecond + 1).fill(0);
  if (latestStart.size === 0) return { all, late };
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  for (const [nodeId, startedAtMs] of latestStart) {
    const startSecond = Math.floor(startedAtMs / 1000);
    if (startSecond > toSecond || startSecond + BURST_SPAN_SECONDS < fromSecond) continue;
    const node = byId.get(nodeId);
    if (node === undefined) continue;
    const isLate = isLateInItsSecond(startedAtMs);
    for (let second = Math.max(fromSecond, startSecond); second <= toSecond; second++) {
      if (second > startSecond + BURST_SPAN_SECONDS) break;
      const logins = burstLoginsAt(node, databaseId, startedAtMs, second) ?? 0;
      all[second - fromSecond]! += logins;
      if (isLate) late[second - fromSecond]! += logins;
    }
  }
  return { all, late };
}

export interface ProjectionBase {
  /** The rate the next bursts add to: churn + bursts landed in the current second, at least its raw count. */
  readonly ratePerSecond: number;
  readonly churnPerSecond: number | null;
}

/**
 * The base for bursts that begin at `startMs` (default: now, the observations' second): the
 * current second's as described above, or for a later second (a planned start) its churn and
 * SPILL_SHARE of the current second's late bursts.
 */
export function projectionBaseOf(
  database: DatabaseObservation,
  state: RolloutState,
  observations: RolloutObservations,
  startMs?: number,
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
    churn = Math.max(churn, countAt(second) - (bursts.all[second - fromSecond] ?? 0));
  const lateIn = (second: number) => (second >= fromSecond ? (bursts.late[second - fromSecond] ?? 0) : 0);
  const targetSecond = startMs === undefined ? nowSecond : Math.max(nowSecond, Math.floor(startMs / 1000));
  if (targetSecond > nowSecond) {
    const spill = targetSecond === nowSecond + 1 ? SPILL_SHARE * lateIn(nowSecond) : 0;
    return { ratePerSecond: churn + spill, churnPerSecond: churn };
  }
  const current = churn + (bursts.all[nowSecond - fromSecond] ?? 0) + SPILL_SHARE * lateIn(nowSecond - 1);
  return { ratePerSecond: Math.max(countAt(nowSecond), current), churnPerSecond: churn };
}

/**
 * The databases as pacing projects from them: `ratePerSecond` replaced by the per-second base of
 * the second bursts beginning at `startMs` land in (default: now).
 */
export function pacedDatabases(
  state: RolloutState,
  observations: RolloutObservations,
  startMs?: number,
): DatabaseObservation[] {
  return observations.databases.map((database) => ({
    ...database,
    ratePerSecond: projectionBaseOf(database, state, observations, startMs).ratePerSecond,
  }));
}

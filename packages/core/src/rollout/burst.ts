import { expectedBurst } from '../rates/budget';
import type { ConnectionKind, NodeObservation } from './observations';
import type { CurrentIamStage, RolloutNodeRecord } from './types';

// What one switch costs each database. A Kong restart (or reload) closes every pooled
// connection, and every connection that uses IAM afterwards signs in again with a token:
// ro_iam costs the replica, rw_iam the primary and (with pg_ro_host) the replica, a return
// to passwords costs no IAM login at all. Password logins do not count against RDS's IAM
// budget, so only the connections on IAM after the switch are counted.

export function iamKindsAt(stage: CurrentIamStage, hasReadOnlyConnection: boolean): ConnectionKind[] {
  switch (stage) {
    case 'password':
      return [];
    case 'ro_iam':
      return hasReadOnlyConnection ? ['ro'] : [];
    case 'rw_iam_ro_password':
      return ['rw'];
    case 'rw_iam':
      return hasReadOnlyConnection ? ['rw', 'ro'] : ['rw'];
  }
}

export type BurstEstimate =
  | { readonly isKnown: true; readonly byDatabase: Readonly<Record<string, number>> }
  | { readonly isKnown: false; readonly reason: string };

/**
 * Expected IAM logins per second on each database right after `node` restarts at `toStage`:
 * workers × pool size per connection kind, or what its counters showed in earlier switches
 * (rates/budget expectedBurst). Kinds targeting the same database add up.
 */
export function burstByDatabase(node: NodeObservation, toStage: CurrentIamStage): BurstEstimate {
  const byDatabase: Record<string, number> = {};
  for (const kind of iamKindsAt(toStage, node.hasReadOnlyConnection)) {
    const databaseId = kind === 'rw' ? node.rwDatabaseId : node.roDatabaseId;
    if (databaseId === null)
      return {
        isKnown: false,
        reason: `its ${kind === 'rw' ? 'read-write' : 'read-only'} host matches no known database, so its logins cannot be paced`,
      };
    const poolSize = node.poolSize[kind] ?? (kind === 'ro' ? node.poolSize.rw : null);
    if (node.workerCount === null || poolSize === null)
      return {
        isKnown: false,
        reason: 'its agent has not reported nginx workers and pool size, so its reconnect burst is unknown',
      };
    const observed = node.observedPeakPerSecond?.[kind];
    const burst = expectedBurst({
      workerCount: node.workerCount,
      poolSize,
      ...(observed !== undefined ? { observedPeakEstablishedPerSecond: observed } : {}),
    });
    byDatabase[databaseId] = (byDatabase[databaseId] ?? 0) + burst.connectionsPerSecond;
  }
  return { isKnown: true, byDatabase };
}

/** Seconds before a switch whose average is the node's steady reconnect rate (churn, not burst). */
export const BASELINE_SECONDS = 5;

interface SwitchLogins {
  readonly countAt: (second: number) => number;
  readonly startSecond: number;
  /** The node's average logins per second in the seconds before the switch (churn, not burst). */
  readonly steadyPerSecond: number;
  /**
   * What the switch's own second may hold from before the decision: its busiest second before
   * (at least the steady rate). Subtracted there, so only the burst counts as landed.
   */
  readonly startAllowance: number;
}

function switchLogins(node: NodeObservation, databaseId: string, switchStartedAtMs: number): SwitchLogins | null {
  const recent = node.recentLogins;
  const counts = recent?.byDatabase[databaseId];
  if (recent === undefined || counts === undefined) return null;
  const countAt = (second: number) => counts[second - recent.fromSecond] ?? 0;
  const startSecond = Math.floor(switchStartedAtMs / 1000);
  const baselineFrom = Math.max(recent.fromSecond, startSecond - BASELINE_SECONDS);
  let before = 0;
  let busiest = 0;
  for (let second = baselineFrom; second < startSecond; second++) {
    before += countAt(second);
    busiest = Math.max(busiest, countAt(second));
  }
  const steadyPerSecond = startSecond > baselineFrom ? before / (startSecond - baselineFrom) : 0;
  return { countAt, startSecond, steadyPerSecond, startAllowance: Math.max(busiest, steadyPerSecond) };
}

/**
 * How many of a switch's logins on `databaseId` have already landed and are counted by the
 * measured rate (its second `throughSecond`) or lie in the past: the node's new connections from
 * the second the switch began in through `throughSecond`, less its steady rate before the switch
 * (idle connections closing and reopening go on regardless) and, in the switch's own second, less
 * its busiest second before (those logins may predate the decision: an under-count only keeps the
 * burst in flight longer). With 250 ms heartbeats most bursts land in the second they were decided
 * in: leaving that second out kept every such burst in flight until its safety tail ended.
 * Unknown history: 0, the burst counts fully.
 */
export function landedLogins(
  node: NodeObservation,
  databaseId: string,
  switchStartedAtMs: number,
  throughSecond: number,
): number {
  const logins = switchLogins(node, databaseId, switchStartedAtMs);
  if (logins === null || throughSecond < logins.startSecond) return 0;
  let seen = 0;
  for (let second = logins.startSecond + 1; second <= throughSecond; second++) seen += logins.countAt(second);
  const inStartSecond = Math.max(0, logins.countAt(logins.startSecond) - logins.startAllowance);
  return Math.max(0, seen - logins.steadyPerSecond * (throughSecond - logins.startSecond) + inStartSecond);
}

/**
 * The part of `second`'s logins on `databaseId` that is this switch's burst (not the node's churn):
 * its count less the steady rate (the start allowance in the switch's own second), floored at 0.
 * Null without the node's login history.
 */
export function burstLoginsAt(
  node: NodeObservation,
  databaseId: string,
  switchStartedAtMs: number,
  second: number,
): number | null {
  const logins = switchLogins(node, databaseId, switchStartedAtMs);
  if (logins === null) return null;
  if (second < logins.startSecond) return 0;
  const allowance = second === logins.startSecond ? logins.startAllowance : logins.steadyPerSecond;
  return Math.max(0, logins.countAt(second) - allowance);
}

/** When a switch's burst begins: its planned start (`switchAt`) when it has one, else its intent. */
export function burstStartOf(record: RolloutNodeRecord): number | null {
  return record.switchAtMs ?? record.switchStartedAtMs;
}

import { formatRate } from '../rates/alarm-messages';
import { burstStartOf, landedLogins } from './burst';
import type { DatabaseObservation, NodeObservation, RolloutObservations } from './observations';
import type { RolloutNodeRecord, RolloutSpec, RolloutState } from './types';

// Pacing: switch the next nodes only while, on EVERY database each switch touches,
// measured rate + bursts in flight + the new bursts ≤ targetUtilisation × budget, and at
// most maxUnavailable nodes restart at once.
//
// In-flight model: a switched node's reconnect burst is counted from the switch intent
// (the agent may restart any moment after its next heartbeat) until burstWindowSeconds
// after the engine saw it settle (the safety tail), less the logins its counters show have
// landed up to the second the measured rate counts (burst.ts landedLogins): those are in the
// measured rate or past, so each login counts once. A burst not seen yet (not started, or
// its heartbeats still on the way) counts fully; without the observations' login history
// (recentLogins, rateSecond) every in-flight burst counts fully, as before.
//
// Oversized node (its burst alone above target × budget but within the budget — over the
// budget it is blocked at scope resolution): it is switched alone on the database it
// overflows, when nothing else is in flight there and the measured rate leaves room under
// the budget, and the decision says so. Waiting for it would never end; switching it beside
// others would throttle. Nodes after it still go if they touch none of its databases.

export type Rates = Readonly<Record<string, number>>;

export function addInto(total: Record<string, number>, burst: Rates): void {
  for (const [databaseId, perSecond] of Object.entries(burst)) total[databaseId] = (total[databaseId] ?? 0) + perSecond;
}

export function isInFlight(record: RolloutNodeRecord, spec: RolloutSpec, nowMs: number): boolean {
  if (record.state === 'switching') return true;
  if (record.settledAtMs === null || record.switchStartedAtMs === null) return false;
  const isSettledRecently = nowMs - record.settledAtMs < spec.pacing.burstWindowSeconds * 1000;
  return isSettledRecently && (record.state === 'switched' || record.state === 'reverted');
}

/** What of one switch's burst is still to land, per database: expected less landed, floored at 0. */
export function remainingBurst(
  record: RolloutNodeRecord,
  node: NodeObservation | undefined,
  databases: readonly DatabaseObservation[],
): Rates {
  const startedAtMs = burstStartOf(record);
  if (node === undefined || startedAtMs === null) return record.burstByDatabase;
  const remaining: Record<string, number> = {};
  for (const [databaseId, burst] of Object.entries(record.burstByDatabase)) {
    const rateSecond = databases.find((database) => database.databaseId === databaseId)?.rateSecond;
    const landed = rateSecond === undefined ? 0 : landedLogins(node, databaseId, startedAtMs, rateSecond);
    remaining[databaseId] = Math.max(0, burst - landed);
  }
  return remaining;
}

/** Bursts still landing, per database. A node with two records (both phases) counts each switch. */
export function inFlightByDatabase(
  spec: RolloutSpec,
  state: RolloutState,
  nowMs: number,
  observations?: RolloutObservations,
): Record<string, number> {
  const byId = new Map(observations?.nodes.map((node) => [node.nodeId, node]));
  const databases = observations?.databases ?? [];
  const total: Record<string, number> = {};
  for (const record of state.nodes)
    if (isInFlight(record, spec, nowMs)) addInto(total, remainingBurst(record, byId.get(record.nodeId), databases));
  return total;
}

export function switchingNodeCount(state: RolloutState): number {
  return new Set(state.nodes.filter((record) => record.state === 'switching').map((record) => record.nodeId)).size;
}

export interface PacingCandidate {
  readonly nodeId: string;
  readonly burstByDatabase: Rates;
}

export interface PacingInput {
  readonly candidates: readonly PacingCandidate[];
  readonly databases: readonly DatabaseObservation[];
  readonly inFlightByDatabase: Rates;
  readonly targetUtilisation: number;
  /** Restart slots left under maxUnavailable. */
  readonly slots: number;
}

export interface PacingResult {
  readonly nodeIds: readonly string[];
  /** Why the next candidate waits (null when none waits or none is left). */
  readonly waitingReason: string | null;
  /** Set when an oversized node is switched alone. */
  readonly oversizedNote: string | null;
}

function noteOf(notes: readonly string[]): string | null {
  return notes.length > 0 ? notes.join('; ') : null;
}

/** Candidates in order ("one after another"): the first that does not fit stops the pass. */
export function selectSwitches(input: PacingInput): PacingResult {
  const chosen: string[] = [];
  const notes: string[] = [];
  const added: Record<string, number> = {};
  const databaseOf = (id: string) => input.databases.find((database) => database.databaseId === id);
  for (const candidate of input.candidates) {
    if (chosen.length >= input.slots)
      return {
        nodeIds: chosen,
        waitingReason: 'waiting for a restart slot (maxUnavailable nodes restarting)',
        oversizedNote: noteOf(notes),
      };
    let blocker: string | null = null;
    let oversized: string | null = null;
    for (const [databaseId, burst] of Object.entries(candidate.burstByDatabase)) {
      const database = databaseOf(databaseId);
      if (database === undefined) {
        blocker = `no budget observed for ${databaseId}`;
        break;
      }
      const targetPerSecond = input.targetUtilisation * database.budgetPerSecond;
      const inFlight = (input.inFlightByDatabase[databaseId] ?? 0) + (added[databaseId] ?? 0);
      const projected = database.ratePerSecond + inFlight + burst;
      if (burst > targetPerSecond) {
        const hasRoomAlone = inFlight === 0 && database.ratePerSecond + burst <= database.budgetPerSecond;
        if (!hasRoomAlone) {
          blocker = `${candidate.nodeId}'s burst of ${formatRate(burst)} exceeds the ${formatRate(targetPerSecond)} target on ${databaseId} by itself: it goes alone, once nothing else is in flight there`;
          break;
        }
        oversized = `${candidate.nodeId} switched alone: its burst of ${formatRate(burst)} on ${databaseId} exceeds the ${formatRate(targetPerSecond)} target by itself (budget ${formatRate(database.budgetPerSecond)})`;
      } else if (projected > targetPerSecond) {
        blocker = `waiting for headroom on ${databaseId}: ${formatRate(projected)} projected with ${candidate.nodeId} (${formatRate(database.ratePerSecond)} measured + ${formatRate(inFlight)} in flight + ${formatRate(burst)}) over the ${formatRate(targetPerSecond)} target`;
        break;
      }
    }
    if (blocker !== null) return { nodeIds: chosen, waitingReason: blocker, oversizedNote: noteOf(notes) };
    chosen.push(candidate.nodeId);
    addInto(added, candidate.burstByDatabase);
    if (oversized !== null) notes.push(oversized);
  }
  return { nodeIds: chosen, waitingReason: null, oversizedNote: noteOf(notes) };
}

import { burstByDatabase } from './burst';
import type { RolloutObservations } from './observations';
import { addInto, selectSwitches } from './pacing';
import { quantityOf } from './spec';
import type { CurrentIamStage, IamStage, RolloutPacing } from './types';

// A node that joins after a rollout completed for its database follows it: its desired stage
// becomes the database's stage. Paced like the rollout's own switches (the same pacer): on
// every database the switch touches, measured rate + bursts in flight + this node's burst
// stay under targetUtilisation × budget, and at most maxUnavailable joiners restart at once.
//
// No memory: what is in flight is read from the observations alone, so a restart changes
// nothing. A node whose desired stage differs from its reported one is switching (its burst
// at the desired stage counts); a node whose stage changed less than burstWindowSeconds ago
// is still reconnecting (its burst at its stage counts). Every node counts, whoever moved it.

export interface AdoptionCandidate {
  readonly nodeId: string;
  readonly stage: IamStage;
}

export interface AdoptionInput {
  /** Joiners in the order they go (node id order), with the stage they should reach. */
  readonly candidates: readonly AdoptionCandidate[];
  /** The completed rollout's pacing. */
  readonly pacing: RolloutPacing;
  readonly observations: RolloutObservations;
  /** Every observed node's desired stage now. */
  readonly desiredOf: (nodeId: string) => IamStage | undefined;
  readonly nowMs: number;
}

export interface AdoptionResult {
  readonly nodeIds: readonly string[];
  readonly waitingReason: string | null;
}

/** Where the agent sees itself: a mixed node's agent reports rw_iam (config.ro.iam tells the rest). */
function isAt(stage: CurrentIamStage, desired: IamStage): boolean {
  return stage === desired || (stage === 'rw_iam_ro_password' && desired === 'rw_iam');
}

function databasesOf(node: RolloutObservations['nodes'][number]): string[] {
  return [node.rwDatabaseId, node.hasReadOnlyConnection ? node.roDatabaseId : null].filter(
    (id): id is string => id !== null,
  );
}

export function paceAdoption(input: AdoptionInput): AdoptionResult {
  const { candidates, pacing, observations, desiredOf, nowMs } = input;
  const inFlight: Record<string, number> = {};
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const candidateIds = new Set(candidates.map((candidate) => candidate.nodeId));
  const touched = new Set(candidates.flatMap((c) => (byId.has(c.nodeId) ? databasesOf(byId.get(c.nodeId)!) : [])));
  // Restarting now on the joiners' databases (whoever asked): they use up maxUnavailable.
  let switching = 0;
  for (const node of observations.nodes) {
    // A candidate is not asked to move yet: its desired stage is still the old one.
    if (candidateIds.has(node.nodeId)) continue;
    const desired = desiredOf(node.nodeId);
    if (desired !== undefined && !isAt(node.stage, desired)) {
      const burst = burstByDatabase(node, desired);
      if (burst.isKnown) addInto(inFlight, burst.byDatabase);
      if (databasesOf(node).some((id) => touched.has(id))) switching += 1;
      continue;
    }
    const sinceMs = node.stageSinceMs;
    if (sinceMs !== null && nowMs - sinceMs < pacing.burstWindowSeconds * 1000) {
      const burst = burstByDatabase(node, node.stage);
      if (burst.isKnown) addInto(inFlight, burst.byDatabase);
    }
  }
  const pacingCandidates = candidates.flatMap((candidate) => {
    const node = byId.get(candidate.nodeId);
    if (node === undefined) return [];
    const burst = burstByDatabase(node, candidate.stage);
    // A burst nobody can estimate cannot be paced: the node waits until its agent reports pools.
    return burst.isKnown ? [{ nodeId: candidate.nodeId, burstByDatabase: burst.byDatabase }] : [];
  });
  const slots = quantityOf(pacing.maxUnavailable, Math.max(1, candidates.length)) - switching;
  const result = selectSwitches({
    candidates: pacingCandidates,
    databases: observations.databases,
    inFlightByDatabase: inFlight,
    targetUtilisation: pacing.targetUtilisation,
    slots: Math.max(0, slots),
  });
  return { nodeIds: result.nodeIds, waitingReason: result.waitingReason };
}

import { burstByDatabase } from './burst';
import type { RolloutIntent } from './intents';
import type { RolloutObservations } from './observations';
import { inFlightByDatabase, selectSwitches, switchingNodeCount, type PacingResult } from './pacing';
import { quantityOf } from './spec';
import type { RevertScope, RolloutNodeRecord, RolloutSpec, RolloutState } from './types';

// Reverts: a rollback takes every node this rollout moved back to the stage it had before
// (one restart per node, straight to its original stage); a wave rollback does the same
// for the current wave only. Paced the same way as switches: a return to passwords costs
// no IAM login, but rw_iam → ro_iam still reconnects the replica with tokens, and at most
// maxUnavailable nodes restart at once.

function isInScope(scope: RevertScope, record: RolloutNodeRecord): boolean {
  return scope.kind === 'all' || (record.phase === scope.phase && record.stepIndex === scope.stepIndex);
}

function isForward(record: RolloutNodeRecord, ...states: RolloutNodeRecord['state'][]): boolean {
  return record.direction === 'forward' && states.includes(record.state);
}

/**
 * Marks the switched records in scope for revert, straight to each node's stage before its
 * earliest reverted switch (ro_iam's fromStage before rw_iam's). A node whose switch is still
 * in flight is marked once it settles (level-triggered: every pass marks what it can), so
 * its revert target and its in-flight burst stay right.
 */
export function markForRevert(nodes: readonly RolloutNodeRecord[], scope: RevertScope): RolloutNodeRecord[] {
  const busy = new Set(
    nodes.filter((r) => isInScope(scope, r) && isForward(r, 'switching')).map((record) => record.nodeId),
  );
  const isChosen = (r: RolloutNodeRecord) => isInScope(scope, r) && isForward(r, 'switched') && !busy.has(r.nodeId);
  const originalStage = new Map<string, RolloutNodeRecord['fromStage']>();
  for (const record of nodes)
    if (isChosen(record) && (record.phase === 'ro_iam' || !originalStage.has(record.nodeId)))
      originalStage.set(record.nodeId, record.fromStage);
  return nodes.map((record) => {
    const toStage = originalStage.get(record.nodeId);
    if (toStage === undefined || !isChosen(record)) return record;
    return {
      ...record,
      state: 'waiting',
      direction: 'revert',
      fromStage: record.toStage,
      toStage,
      reason: `reverting to ${toStage}`,
      switchStartedAtMs: null,
      switchAtMs: null,
      settledAtMs: null,
      burstByDatabase: {},
    };
  });
}

/** Reverts still to issue or land, including switches in scope not yet settled. */
export function hasPendingReverts(state: RolloutState): boolean {
  const scope = state.revertScope;
  if (scope === null) return false;
  return state.nodes.some(
    (r) =>
      (r.direction === 'revert' && (r.state === 'waiting' || r.state === 'switching')) ||
      (isInScope(scope, r) && isForward(r, 'switching')),
  );
}

/** After a wave rollback, a human's resume gives the wave's reverted nodes another switch. */
export function retryRevertedWave(nodes: readonly RolloutNodeRecord[]): RolloutNodeRecord[] {
  return nodes.map((record) =>
    record.direction === 'revert' && record.state === 'reverted'
      ? {
          ...record,
          state: 'waiting',
          direction: 'forward',
          fromStage: record.toStage,
          toStage: record.fromStage,
          reason: null,
          switchStartedAtMs: null,
          switchAtMs: null,
          settledAtMs: null,
          attempt: record.attempt + 1,
        }
      : record,
  );
}

export interface RevertPass {
  readonly nodes: RolloutNodeRecord[];
  readonly intents: RolloutIntent[];
  readonly pacing: PacingResult;
}

/** Issues the next paced reverts. A node's records revert together (one restart). */
export function paceReverts(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): RevertPass {
  const waiting = state.nodes.filter((record) => record.direction === 'revert' && record.state === 'waiting');
  const nodeIds = [...new Set(waiting.map((record) => record.nodeId))];
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const target = new Map(waiting.map((record) => [record.nodeId, record.toStage]));
  const candidates = nodeIds.flatMap((nodeId) => {
    const node = byId.get(nodeId);
    const toStage = target.get(nodeId);
    if (node === undefined || toStage === undefined) return [];
    const burst = burstByDatabase(node, toStage);
    return [{ nodeId, burstByDatabase: burst.isKnown ? burst.byDatabase : {} }];
  });
  const moving = new Set(state.nodes.filter((r) => r.direction === 'revert').map((r) => r.nodeId));
  const slots = Math.max(0, quantityOf(spec.pacing.maxUnavailable, moving.size) - switchingNodeCount(state));
  const pacing = selectSwitches({
    candidates,
    databases: observations.databases,
    inFlightByDatabase: inFlightByDatabase(spec, state, nowMs, observations),
    targetUtilisation: spec.pacing.targetUtilisation,
    slots,
  });
  const chosen = new Set(pacing.nodeIds);
  const burstOf = new Map(candidates.map((candidate) => [candidate.nodeId, candidate.burstByDatabase]));
  let isFirstOfNode = new Set<string>();
  const nodes = state.nodes.map((record) => {
    if (record.direction !== 'revert' || record.state !== 'waiting' || !chosen.has(record.nodeId)) return record;
    // The burst is counted once per node, on its first record.
    const burst = isFirstOfNode.has(record.nodeId) ? {} : (burstOf.get(record.nodeId) ?? {});
    isFirstOfNode = new Set([...isFirstOfNode, record.nodeId]);
    return {
      ...record,
      state: 'switching' as const,
      switchStartedAtMs: nowMs,
      switchAtMs: null,
      burstByDatabase: burst,
    };
  });
  const intents: RolloutIntent[] = [];
  const byStage = new Map<RolloutNodeRecord['toStage'], string[]>();
  for (const nodeId of pacing.nodeIds) {
    const stage = target.get(nodeId);
    if (stage !== undefined) byStage.set(stage, [...(byStage.get(stage) ?? []), nodeId]);
  }
  for (const [stage, ids] of byStage) intents.push({ kind: 'revert', stage, nodeIds: ids });
  return { nodes, intents, pacing };
}

import { resolveScope, type RolloutObservations, type RolloutSpec, type RolloutState } from '@iamroll/core/rollout';
import type { Db } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { RolloutsRepository } from './rollouts-repository';

// Only one rollout may hold a node. A rollout claims the nodes it holds now (rollout_nodes
// is_holding) and, for every phase it has not entered yet, the nodes that phase would
// switch on the fleet as it is now (a pending rollout: both phases). Creating or starting a
// rollout whose claim overlaps another active one is refused (409) before anything is
// written; the pass's runtime guard (a holder found mid-rollout pauses it) stays for what
// changes later, e.g. a node whose labels move it into a second selector's scope.

/** Serialises claim checks with their writes: two creates at once cannot both see the nodes free. */
const CLAIM_LOCK_KEY = 'iamroll.rollout-claims';

/** The nodes a phase would switch now (neither skipped nor blocked), for each phase not yet entered. */
export function claimedNodeIds(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): Set<string> {
  const entered = new Set(state.nodes.map((record) => record.phase));
  const claimed = new Set<string>();
  const context = { nowMs, isRoBeforeRwOverridden: state.roBeforeRwOverride !== null };
  // Rolling back, a rollout enters no phase again: it claims only the nodes it reverts.
  const isGoingForward = state.status !== 'rolling_back';
  for (const phase of spec.phases) {
    if (entered.has(phase) || !isGoingForward) continue;
    for (const verdict of resolveScope(spec, observations, phase, context))
      if (verdict.state === 'waiting') claimed.add(verdict.nodeId);
  }
  for (const record of state.nodes)
    if (record.state !== 'skipped' && record.state !== 'blocked') claimed.add(record.nodeId);
  return claimed;
}

export interface ClaimCheckDeps {
  readonly rollouts: RolloutsRepository;
}

export function createClaimCheck({ rollouts }: ClaimCheckDeps) {
  return async function assertNodesFree(
    mine: { readonly id: string | null; readonly spec: RolloutSpec; readonly state: RolloutState },
    observations: RolloutObservations,
    nowMs: number,
    tx: Db,
  ): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${CLAIM_LOCK_KEY}))`;
    const wanted = claimedNodeIds(mine.spec, mine.state, observations, nowMs);
    if (wanted.size === 0) return;
    const holding = await rollouts.holdingByRollout(tx);
    for (const other of await rollouts.activeRows(tx)) {
      if (other.id === mine.id) continue;
      const theirs = claimedNodeIds(
        other.spec as unknown as RolloutSpec,
        other.state as unknown as RolloutState,
        observations,
        nowMs,
      );
      for (const nodeId of holding.get(other.id) ?? []) theirs.add(nodeId);
      const overlap = [...wanted].filter((nodeId) => theirs.has(nodeId)).sort();
      if (overlap.length === 0) continue;
      const names = await rollouts.hostnames(overlap.slice(0, 3));
      const shown = overlap.slice(0, 3).map((nodeId) => names.get(nodeId) ?? nodeId);
      const more = overlap.length > 3 ? ` and ${overlap.length - 3} more` : '';
      throw AppError.conflict(
        `${overlap.length} node(s) in this rollout's scope are held by rollout ${other.id} (${other.status}): ` +
          `${shown.join(', ')}${more}. Only one rollout may hold a node: finish or abort rollout ${other.id} first, ` +
          'or narrow this scope.',
      );
    }
  };
}

export type AssertNodesFree = ReturnType<typeof createClaimCheck>;

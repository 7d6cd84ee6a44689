import { preflightRequests, type RolloutSpec, type RolloutState } from '@iamroll/core/rollout';
import { withPreflight, type FleetObservations } from '../rollouts/rollout-observations';
import type { PreflightMemory } from './preflight-memory';
import type { PreflightService } from './preflight-service';

/**
 * After each reconciler pass: the preflight requests the rollout's current step needs
 * (core/rollout preflightRequests: nodes awaiting a verdict, paced against each database's
 * headroom), written as pending requests their agents hear in the next heartbeat reply. The
 * pending state is read from memory again, so a request made for one rollout this pass counts
 * against the headroom of the next.
 */
export function createRolloutPreflightRequester(service: PreflightService, memory: PreflightMemory) {
  return async function requestPreflights(
    rolloutId: string,
    spec: RolloutSpec,
    state: RolloutState,
    observations: FleetObservations,
    nowMs: number,
  ): Promise<void> {
    const current = { ...observations, nodes: observations.nodes.map((n) => withPreflight(n, memory.get(n.nodeId))) };
    const requests = preflightRequests(spec, state, current, nowMs);
    if (requests.length > 0) await service.requestForRollout(rolloutId, requests);
  };
}

export type RequestPreflights = ReturnType<typeof createRolloutPreflightRequester>;

import type { RolloutSpec, RolloutState } from '@iamroll/core/rollout';
import type { FastifyBaseLogger } from 'fastify';
import type { RequestPreflights } from '../preflight/rollout-preflight';
import type { ObserveRollouts } from './rollout-observations';
import type { RolloutPass } from './rollout-pass';
import type { RolloutsRepository } from './rollouts-repository';

// The leader's `rollout-reconciler` loop (workers.ts): level-triggered, every pass rebuilds
// its observations and decides each active rollout again from the state stored in
// PostgreSQL. It remembers nothing between passes, so a new leader (after a crash, or a
// lost lock) continues exactly where the last commit left off.

export interface ReconcilerDeps {
  readonly rollouts: RolloutsRepository;
  readonly observe: ObserveRollouts;
  readonly pass: RolloutPass;
  readonly adoptNewNodes: () => Promise<void>;
  readonly nowMs: () => number;
  readonly log: FastifyBaseLogger;
  /** Preflight (issue 12): ask agents for the verdicts the rollout's current step waits for. */
  readonly requestPreflights?: RequestPreflights;
}

export function createRolloutReconciler({
  rollouts,
  observe,
  pass,
  adoptNewNodes,
  nowMs,
  log,
  requestPreflights,
}: ReconcilerDeps) {
  return async function reconcile(signal?: AbortSignal): Promise<void> {
    const ids = await rollouts.activeIds();
    if (ids.length > 0) {
      const observations = await observe(nowMs());
      for (const id of ids) {
        if (signal?.aborted) return;
        try {
          const { row } = await pass(id, observations, nowMs());
          // preflight (issue 12): after the decision, so its blocks and holds are the current ones.
          await requestPreflights?.(
            id,
            row.spec as unknown as RolloutSpec,
            row.state as unknown as RolloutState,
            observations,
            nowMs(),
          );
        } catch (error) {
          // One rollout's failure (a lost race, a constraint) must not stop the others; the next pass retries.
          log.warn({ err: error, rolloutId: id }, 'rollout pass failed');
        }
      }
    }
    await adoptNewNodes();
  };
}

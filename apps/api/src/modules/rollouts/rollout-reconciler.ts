import type { FastifyBaseLogger } from 'fastify';
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
}

export function createRolloutReconciler({ rollouts, observe, pass, adoptNewNodes, nowMs, log }: ReconcilerDeps) {
  return async function reconcile(signal?: AbortSignal): Promise<void> {
    const ids = await rollouts.activeIds();
    if (ids.length > 0) {
      const observations = await observe(nowMs());
      for (const id of ids) {
        if (signal?.aborted) return;
        try {
          await pass(id, observations, nowMs());
        } catch (error) {
          // One rollout's failure (a lost race, a constraint) must not stop the others; the next pass retries.
          log.warn({ err: error, rolloutId: id }, 'rollout pass failed');
        }
      }
    }
    await adoptNewNodes();
  };
}

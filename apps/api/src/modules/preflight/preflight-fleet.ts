import type pg from 'pg';
import type { EventBus } from '../../plugins/event-bus';
import { createPreflightHeartbeatHook, PREFLIGHT_EVENT, type PreflightHookLogger } from './heartbeat-hook';
import { PreflightMemory } from './preflight-memory';
import { createPreflightRepository } from './preflight-repository';

export interface PreflightFleetDeps {
  readonly pool: pg.Pool;
  readonly events: EventBus;
  readonly log: PreflightHookLogger;
}

/**
 * The per-process side of preflight, owned by the fleet (modules/heartbeats/create-fleet.ts): the
 * memory the heartbeat reply and the reconciler read, the heartbeat hook, and keeping the memory in
 * step with PostgreSQL (load at start, per-node reload on `node.preflight`, full reload as a safety net).
 */
export function createPreflightFleet({ pool, events, log }: PreflightFleetDeps) {
  const memory = new PreflightMemory();
  const repository = createPreflightRepository(pool);
  let unsubscribe: (() => void) | undefined;

  const reload = async (nodeIds?: readonly string[]): Promise<void> => {
    const stored = await repository.load(nodeIds);
    if (nodeIds === undefined) return memory.replaceAll(stored);
    for (const nodeId of nodeIds) {
      const found = stored.find((node) => node.nodeId === nodeId);
      if (found) memory.apply(found);
    }
  };

  return {
    memory,
    repository,
    onHeartbeat: createPreflightHeartbeatHook({ memory, repository, pool, events, log }),
    reload: () => reload().catch((error: unknown) => log.warn({ err: error }, 'reloading preflight state failed')),
    async start(): Promise<void> {
      await reload();
      // Every process hears every change (its own too); a truncated event names no nodes: reload all.
      unsubscribe = events.subscribe((event) => {
        if (event.type !== PREFLIGHT_EVENT) return;
        const nodeIds = Array.isArray(event.data.nodeIds) ? (event.data.nodeIds as string[]) : undefined;
        reload(nodeIds).catch((error: unknown) => log.warn({ err: error }, 'reloading preflight state failed'));
      });
    },
    stop(): void {
      unsubscribe?.();
    },
  };
}

export type PreflightFleet = ReturnType<typeof createPreflightFleet>;

import type { RolloutState } from '@iamroll/core/rollout';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import type { NodeRegistry } from '../nodes/node-registry';
import { toRolloutSummary } from './rollout-view';
import type { RolloutRow, RolloutsRepository } from './rollouts-repository';

// Finalize, second step. The first `finalize` (the engine's, after the final bake) sends
// `remove-passwords`; the agents remove pg_password / pg_ro_password and keep their backups,
// so a rollback still works. A second `finalize`, once every node reports the passwords
// gone, sends `finalized`: the agents delete the backups, and from then on no rollback
// of this rollout is possible (the API refuses it), which is exactly when no rollback can
// need them.

export interface ReleaseDeps {
  readonly prisma: PrismaClient;
  readonly rollouts: RolloutsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly registry: NodeRegistry;
}

export function finalizedNodeIds(state: RolloutState): string[] {
  const ids = state.nodes.filter((r) => r.direction === 'forward' && r.state === 'switched').map((r) => r.nodeId);
  return [...new Set(ids)];
}

export function createBackupRelease({ prisma, rollouts, audit, events, registry }: ReleaseDeps) {
  return {
    /** Null when this finalize is the engine's first one (not finalized yet). */
    async release(actor: Actor, id: string, reason: string): Promise<RolloutRow | null> {
      const nodeIds: string[] = [];
      const row = await prisma.$transaction(async (tx) => {
        const locked = await rollouts.lock(id, tx);
        if (!locked) throw AppError.notFound('The rollout');
        const state = locked.state as unknown as RolloutState;
        if (locked.status !== 'completed' || state.finalizedAtMs === null) return null;
        const ids = finalizedNodeIds(state);
        const pending = ids.filter((nodeId) => registry.get(nodeId)?.agent?.transition?.isPasswordRemoved !== true);
        if (pending.length > 0)
          throw AppError.conflict(
            `cannot release the backups yet: ${pending.length} node(s) have not reported their passwords removed`,
          );
        if (ids.every((nodeId) => registry.get(nodeId)?.finalize === 'finalized'))
          throw AppError.conflict('already finalized: the agents were told to delete their backups');
        await rollouts.setDesired(
          ids.map((nodeId) => ({
            nodeId,
            stage: registry.get(nodeId)?.desiredStage ?? 'rw_iam',
            finalize: 'finalized',
          })),
          tx,
        );
        await audit.record(
          {
            actor,
            action: 'rollout.release_backups',
            subjectType: 'rollout',
            subjectId: id,
            reason,
            data: { nodeIds: ids },
          },
          tx,
        );
        await events.notifyIn(tx, 'rollout.updated', toRolloutSummary(locked));
        nodeIds.push(...ids);
        return locked;
      });
      for (const nodeId of nodeIds) {
        const entry = registry.get(nodeId);
        if (entry) registry.desire(entry, { finalize: 'finalized' });
      }
      return row;
    },

    /** After `finalized` the agents have no backup left: a rollback could not restore anything. */
    async assertRollbackPossible(id: string): Promise<void> {
      const row = await rollouts.findById(id);
      if (!row) return;
      const ids = finalizedNodeIds(row.state as unknown as RolloutState);
      if (ids.some((nodeId) => registry.get(nodeId)?.finalize === 'finalized'))
        throw AppError.conflict('cannot roll back: this rollout was finalized and the agents deleted their backups');
    },
  };
}

export type BackupRelease = ReturnType<typeof createBackupRelease>;

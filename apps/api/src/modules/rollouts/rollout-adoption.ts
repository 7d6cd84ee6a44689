import type { RolloutSpec, RolloutState } from '@iamroll/core/rollout';
import type { PrismaClient } from '../../db/prisma-client';
import type { AuditRepository } from '../audit/audit-repository';
import { SYSTEM_ACTOR } from '../auth/principal';
import type { NodeRegistry } from '../nodes/node-registry';
import type { RolloutsRepository } from './rollouts-repository';

// A node that enrolls after a rollout completed for its database gets that database's
// stage as its desired stage: the newest finished rollout of the database decides (a
// rollback after it means passwords again), and only nodes the rollout never knew of and
// no active rollout holds are moved, one audit entry each.

export interface AdoptionDeps {
  readonly prisma: PrismaClient;
  readonly rollouts: RolloutsRepository;
  readonly audit: AuditRepository;
  readonly registry: NodeRegistry;
}

export function createNodeAdoption({ prisma, rollouts, audit, registry }: AdoptionDeps) {
  return async function adoptNewNodes(): Promise<void> {
    const finished = await rollouts.finishedByDatabase();
    const updates: { nodeId: string; stage: 'ro_iam' | 'rw_iam'; rolloutId: string }[] = [];
    for (const row of finished) {
      const spec = row.spec as unknown as RolloutSpec;
      if (spec.scope.kind !== 'database' || row.status !== 'completed') continue;
      const { databaseId } = spec.scope;
      const stage = spec.phases.at(-1);
      if (stage === undefined) continue;
      const known = new Set((row.state as unknown as RolloutState).nodes.map((record) => record.nodeId));
      for (const entry of registry.all()) {
        const report = entry.report ?? entry.persisted;
        const isOnDatabase = report.rwDatabaseId === databaseId || report.roDatabaseId === databaseId;
        if (!isOnDatabase || known.has(entry.id) || entry.desiredStage === stage) continue;
        if (report.role === 'data_plane') continue;
        updates.push({ nodeId: entry.id, stage, rolloutId: row.id });
      }
    }
    if (updates.length === 0) return;
    const held = new Set(
      (
        await rollouts.holders(
          updates.map((u) => u.nodeId),
          '00000000-0000-0000-0000-000000000000',
        )
      ).map((h) => h.nodeId),
    );
    const free = updates.filter((u) => !held.has(u.nodeId));
    if (free.length === 0) return;
    await prisma.$transaction(async (tx) => {
      await rollouts.setDesired(
        free.map((u) => ({ nodeId: u.nodeId, stage: u.stage, finalize: null })),
        tx,
      );
      for (const update of free)
        await audit.record(
          {
            actor: SYSTEM_ACTOR,
            action: 'node.desired_stage',
            subjectType: 'node',
            subjectId: update.nodeId,
            reason: `rollout ${update.rolloutId} completed for its database: a node that joins later follows it`,
            data: { stage: update.stage, rolloutId: update.rolloutId },
          },
          tx,
        );
    });
    for (const update of free) {
      const entry = registry.get(update.nodeId);
      if (entry) entry.desiredStage = update.stage;
    }
  };
}

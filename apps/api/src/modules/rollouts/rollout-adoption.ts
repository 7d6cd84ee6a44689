import { paceAdoption, type AdoptionCandidate, type RolloutSpec, type RolloutState } from '@iamroll/core/rollout';
import type { PrismaClient } from '../../db/prisma-client';
import type { AuditRepository } from '../audit/audit-repository';
import { SYSTEM_ACTOR } from '../auth/principal';
import type { NodeRegistry } from '../nodes/node-registry';
import type { ObserveRollouts } from './rollout-observations';
import type { RolloutsRepository } from './rollouts-repository';

// A node that enrolls after a rollout completed for its database gets that database's
// stage as its desired stage: the newest finished rollout of the database decides (a
// rollback after it means passwords again), and only nodes the rollout never knew of and
// no active rollout holds are moved, one audit entry each. Paced as the rollout was
// (core's paceAdoption, the same pacer and budget headroom, that rollout's targetUtilisation
// and maxUnavailable): each pass moves the joiners that fit now; the rest wait for the next.

export interface AdoptionDeps {
  readonly prisma: PrismaClient;
  readonly rollouts: RolloutsRepository;
  readonly audit: AuditRepository;
  readonly registry: NodeRegistry;
  readonly observe: ObserveRollouts;
  readonly nowMs: () => number;
}

interface Joiners {
  readonly rolloutId: string;
  readonly spec: RolloutSpec;
  readonly candidates: AdoptionCandidate[];
}

export function createNodeAdoption({ prisma, rollouts, audit, registry, observe, nowMs }: AdoptionDeps) {
  async function joiners(): Promise<Joiners[]> {
    const groups: Joiners[] = [];
    for (const row of await rollouts.finishedByDatabase()) {
      const spec = row.spec as unknown as RolloutSpec;
      if (spec.scope.kind !== 'database' || row.status !== 'completed') continue;
      const { databaseId } = spec.scope;
      const stage = spec.phases.at(-1);
      if (stage === undefined) continue;
      const known = new Set((row.state as unknown as RolloutState).nodes.map((record) => record.nodeId));
      const candidates: AdoptionCandidate[] = [];
      for (const entry of registry.all()) {
        const report = entry.report ?? entry.persisted;
        const isOnDatabase = report.rwDatabaseId === databaseId || report.roDatabaseId === databaseId;
        if (!isOnDatabase || known.has(entry.id) || entry.desiredStage === stage) continue;
        if (report.role === 'data_plane') continue;
        candidates.push({ nodeId: entry.id, stage });
      }
      candidates.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
      if (candidates.length > 0) groups.push({ rolloutId: row.id, spec, candidates });
    }
    return groups;
  }

  return async function adoptNewNodes(): Promise<void> {
    const groups = await joiners();
    if (groups.length === 0) return;
    const held = new Set(
      (
        await rollouts.holders(
          groups.flatMap((group) => group.candidates.map((c) => c.nodeId)),
          '00000000-0000-0000-0000-000000000000',
        )
      ).map((h) => h.nodeId),
    );
    const atMs = nowMs();
    const observations = await observe(atMs);
    // Moves chosen for one database count as switching for the next.
    const desired = new Map([...registry.all()].map((entry) => [entry.id, entry.desiredStage]));
    const updates: { nodeId: string; stage: 'ro_iam' | 'rw_iam'; rolloutId: string; reason: string }[] = [];
    for (const group of groups) {
      const result = paceAdoption({
        candidates: group.candidates.filter((c) => !held.has(c.nodeId)),
        pacing: group.spec.pacing,
        observations,
        desiredOf: (nodeId) => desired.get(nodeId),
        nowMs: atMs,
      });
      for (const nodeId of result.nodeIds) {
        const stage = group.spec.phases.at(-1)!;
        desired.set(nodeId, stage);
        updates.push({
          nodeId,
          stage,
          rolloutId: group.rolloutId,
          reason: `rollout ${group.rolloutId} completed for its database: a node that joins later follows it, paced as the rollout was`,
        });
      }
    }
    if (updates.length === 0) return;
    await prisma.$transaction(async (tx) => {
      await rollouts.setDesired(
        updates.map((u) => ({ nodeId: u.nodeId, stage: u.stage, finalize: null })),
        tx,
      );
      for (const update of updates)
        await audit.record(
          {
            actor: SYSTEM_ACTOR,
            action: 'node.desired_stage',
            subjectType: 'node',
            subjectId: update.nodeId,
            reason: update.reason,
            data: { stage: update.stage, rolloutId: update.rolloutId },
          },
          tx,
        );
    });
    for (const update of updates) {
      const entry = registry.get(update.nodeId);
      if (!entry) continue;
      registry.desire(entry, { desiredStage: update.stage, restore: null, switchAtMs: null });
    }
  };
}

import { nodeViews, type RolloutSpec, type RolloutState } from '@iamroll/core/rollout';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';

// Only this file touches the rollouts, rollout_nodes and (for rollouts) nodes tables.
// A rollout row holds the engine's whole state as JSONB; rollout_nodes is its projection.

export type RolloutRow = Prisma.RolloutGetPayload<object>;

export const ACTIVE_STATUSES = ['pending', 'running', 'paused', 'rolling_back'] as const;

export function isActiveStatus(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

const toJson = (value: unknown) => value as Prisma.InputJsonObject;

export function createRolloutsRepository(prisma: PrismaClient) {
  return {
    async create(
      input: { spec: RolloutSpec; state: RolloutState; stepHash: string; reason: string; createdBy: string },
      db: Db = prisma,
    ): Promise<RolloutRow> {
      return db.rollout.create({
        data: {
          spec: toJson(input.spec),
          state: toJson(input.state),
          status: input.state.status,
          phase: input.state.phase,
          message: input.state.message,
          stepHash: input.stepHash,
          reason: input.reason,
          createdBy: input.createdBy,
          startedAt: input.state.startedAtMs === null ? null : new Date(input.state.startedAtMs),
        },
      });
    },

    findById: (id: string, db: Db = prisma) => db.rollout.findUnique({ where: { id } }),

    /** The row, locked until the transaction ends: reconciler passes and controls serialise on it. */
    async lock(id: string, db: Db): Promise<RolloutRow | null> {
      const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM rollouts WHERE id = ${id}::uuid FOR UPDATE`;
      return rows.length === 0 ? null : db.rollout.findUnique({ where: { id } });
    },

    async activeIds(): Promise<string[]> {
      const rows = await prisma.rollout.findMany({
        where: { status: { in: [...ACTIVE_STATUSES] } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map((row) => row.id);
    },

    /** Per database scope, the newest rollout that completed or was rolled back (its outcome is the database's stage). */
    async finishedByDatabase(): Promise<RolloutRow[]> {
      const ids = await prisma.$queryRaw<{ id: string }[]>`
        SELECT DISTINCT ON (spec -> 'scope' ->> 'databaseId') id FROM rollouts
         WHERE status IN ('completed', 'rolled_back') AND spec -> 'scope' ->> 'kind' = 'database'
         ORDER BY spec -> 'scope' ->> 'databaseId', updated_at DESC`;
      if (ids.length === 0) return [];
      return prisma.rollout.findMany({ where: { id: { in: ids.map((row) => row.id) } } });
    },

    async list(query: { status?: string; limit: number; offset: number }) {
      const where = query.status ? { status: query.status as RolloutRow['status'] } : {};
      const [rows, total] = await Promise.all([
        prisma.rollout.findMany({ where, orderBy: { createdAt: 'desc' }, take: query.limit, skip: query.offset }),
        prisma.rollout.count({ where }),
      ]);
      return { rows, total };
    },

    /** Compare-and-set on the revision read under the lock: a second writer would see 0 rows. */
    async writeState(row: RolloutRow, state: RolloutState, db: Db): Promise<RolloutRow> {
      const { count } = await db.rollout.updateMany({
        where: { id: row.id, revision: row.revision },
        data: {
          state: toJson(state),
          status: state.status,
          phase: state.phase,
          message: state.message,
          revision: row.revision + 1,
          startedAt: state.startedAtMs === null ? null : new Date(state.startedAtMs),
          finishedAt: state.finishedAtMs === null ? null : new Date(state.finishedAtMs),
        },
      });
      if (count !== 1) throw new Error(`rollout ${row.id} changed under its lock (revision ${row.revision})`);
      return {
        ...row,
        state: state as unknown as Prisma.JsonValue,
        status: state.status,
        phase: state.phase,
        revision: row.revision + 1,
      };
    },

    /**
     * rollout_nodes = nodeViews(state); an active rollout holds its moving nodes. The unique
     * index rollout_nodes_holding_node_key refuses a second holder (P2002).
     */
    async writeProjection(rolloutId: string, state: RolloutState, db: Db): Promise<void> {
      const isActive = isActiveStatus(state.status);
      const views = nodeViews(state);
      await db.$executeRaw`DELETE FROM rollout_nodes WHERE rollout_id = ${rolloutId}::uuid`;
      if (views.length === 0) return;
      await db.$executeRaw`
        INSERT INTO rollout_nodes (rollout_id, node_id, phase, state, from_stage, to_stage, reason, is_holding)
        SELECT ${rolloutId}::uuid, u.node_id, u.phase, u.state, u.from_stage, u.to_stage, u.reason, u.is_holding
          FROM unnest(${views.map((v) => v.nodeId)}::uuid[], ${views.map((v) => v.phase)}::text[],
                      ${views.map((v) => v.state)}::text[], ${views.map((v) => v.fromStage)}::text[],
                      ${views.map((v) => v.toStage)}::text[], ${views.map((v) => v.reason)}::text[],
                      ${views.map((v) => isActive && v.state !== 'skipped' && v.state !== 'blocked')}::boolean[])
            AS u(node_id, phase, state, from_stage, to_stage, reason, is_holding)
          JOIN nodes n ON n.id = u.node_id`;
    },

    /** Every active rollout (pending, running, paused, rolling back), oldest first. */
    activeRows: (db: Db = prisma): Promise<RolloutRow[]> =>
      db.rollout.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } }, orderBy: { createdAt: 'asc' } }),

    /** The nodes each rollout holds now (rollout_nodes.is_holding). */
    async holdingByRollout(db: Db = prisma): Promise<Map<string, string[]>> {
      const rows = await db.rolloutNode.findMany({
        where: { isHolding: true },
        select: { rolloutId: true, nodeId: true },
      });
      const byRollout = new Map<string, string[]>();
      for (const row of rows) byRollout.set(row.rolloutId, [...(byRollout.get(row.rolloutId) ?? []), row.nodeId]);
      return byRollout;
    },

    /** Who holds these nodes now (other than `rolloutId`). */
    async holders(nodeIds: readonly string[], rolloutId: string, db: Db = prisma) {
      return db.rolloutNode.findMany({
        where: { nodeId: { in: [...nodeIds] }, isHolding: true, rolloutId: { not: rolloutId } },
        select: { nodeId: true, rolloutId: true },
      });
    },

    /**
     * The nodes' desired stage (with finalize and restore, both cleared unless given); updated_at moves so
     * every process's registry refresh sees it.
     */
    async setDesired(
      updates: readonly { nodeId: string; stage: string; finalize: string | null; restore?: string | null }[],
      db: Db,
    ): Promise<void> {
      if (updates.length === 0) return;
      await db.$executeRaw`
        UPDATE nodes n SET desired_stage = u.stage::node_stage, finalize = u.finalize, restore = u.restore,
                           updated_at = clock_timestamp()
          FROM unnest(${updates.map((u) => u.nodeId)}::uuid[], ${updates.map((u) => u.stage)}::text[],
                      ${updates.map((u) => u.finalize)}::text[], ${updates.map((u) => u.restore ?? null)}::text[])
            AS u(node_id, stage, finalize, restore)
         WHERE n.id = u.node_id`;
    },

    hostnames: async (ids: readonly string[]): Promise<Map<string, string>> => {
      const rows = await prisma.node.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, hostname: true },
      });
      return new Map(rows.map((row) => [row.id, row.hostname]));
    },
  };
}

export type RolloutsRepository = ReturnType<typeof createRolloutsRepository>;

import type { NodesQuery } from '@iamroll/contracts';
import type pg from 'pg';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, STALE_AFTER_INTERVALS } from './node-view';
import { escapeLike } from '../../db/like';

const DATABASE_REF = { select: { id: true, identifier: true } } as const;

export const NODE_VIEW_SELECT = {
  id: true,
  hostname: true,
  kongVersion: true,
  role: true,
  agentVersion: true,
  rwAuthMode: true,
  roAuthMode: true,
  stage: true,
  desiredStage: true,
  status: true,
  statusReason: true,
  reportedStatus: true,
  statusMessage: true,
  configHash: true,
  lastSeenAt: true,
  heartbeatIntervalMs: true,
  effectiveConfig: true,
  lintFindings: true,
  createdAt: true,
  decommissionedAt: true,
  rwDatabase: DATABASE_REF,
  roDatabase: DATABASE_REF,
} as const satisfies Prisma.NodeSelect;

export type NodeViewRow = Prisma.NodeGetPayload<{ select: typeof NODE_VIEW_SELECT }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Node ids the list filters by that need a query of their own first. */
export interface NodeIdFilters {
  /** For `status=stale`: the nodes found stale (see `staleIds` below). */
  readonly staleIds?: readonly string[];
  /** For `hasAlarm`: the nodes with an unresolved alarm (see `alarmedIds` below). */
  readonly alarmedIds?: readonly string[];
}

function whereOf(query: NodesQuery, { staleIds, alarmedIds }: NodeIdFilters): Prisma.NodeWhereInput {
  const and: Prisma.NodeWhereInput[] = [];
  if (!query.includeDecommissioned) and.push({ decommissionedAt: null });
  if (query.q)
    and.push({
      OR: [
        { hostname: { contains: escapeLike(query.q), mode: 'insensitive' } },
        ...(UUID.test(query.q) ? [{ id: query.q.toLowerCase() }] : []),
      ],
    });
  if (query.stage) and.push({ stage: query.stage });
  if (query.role) and.push({ role: query.role });
  if (query.status === 'stale') and.push({ id: { in: [...(staleIds ?? [])] } });
  else if (query.status) and.push({ reportedStatus: query.status });
  if (query.rwAuthMode) and.push({ rwAuthMode: query.rwAuthMode });
  if (query.roAuthMode === 'none') and.push({ roAuthMode: null });
  else if (query.roAuthMode) and.push({ roAuthMode: query.roAuthMode });
  if (query.hasAlarm === true) and.push({ id: { in: [...(alarmedIds ?? [])] } });
  else if (query.hasAlarm === false) and.push({ id: { notIn: [...(alarmedIds ?? [])] } });
  if (query.databaseId) and.push({ OR: [{ rwDatabaseId: query.databaseId }, { roDatabaseId: query.databaseId }] });
  return and.length > 0 ? { AND: and } : {};
}

function orderOf(query: NodesQuery): Prisma.NodeOrderByWithRelationInput[] {
  const sort = query.order ?? 'asc';
  const nullsLast = { sort, nulls: 'last' } as const;
  const first: Prisma.NodeOrderByWithRelationInput = (() => {
    switch (query.sort ?? 'hostname') {
      case 'hostname':
        return { hostname: sort };
      case 'lastSeenAt':
        return { lastSeenAt: nullsLast };
      case 'stage':
        return { stage: sort };
      case 'status':
        return { reportedStatus: nullsLast };
      case 'role':
        return { role: sort };
      case 'kongVersion':
        return { kongVersion: nullsLast };
      case 'createdAt':
        return { createdAt: sort };
    }
  })();
  // A unique tie-breaker keeps pages stable.
  return [first, { id: 'asc' }];
}

/** The newest heartbeat this process knows of per node (the row trails it by up to a flush). */
export interface MemoryLastSeen {
  readonly ids: readonly string[];
  readonly lastSeenMs: readonly number[];
}

export function createNodesRepository(prisma: PrismaClient, pool: pg.Pool) {
  return {
    /**
     * Nodes without a heartbeat for three intervals at `nowMs`, by the same rule as the view's
     * `isStale`: the newer of the row's last_seen_at and what memory knows, against the row's interval.
     */
    async staleIds(nowMs: number, memory: MemoryLastSeen): Promise<string[]> {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT n.id FROM nodes n LEFT JOIN unnest($2::uuid[], $3::float8[]) AS m(id, seen_ms) ON m.id = n.id
          WHERE GREATEST((extract(epoch FROM n.last_seen_at) * 1000)::float8, m.seen_ms)
                < $1::float8 - $4::float8 * COALESCE(n.heartbeat_interval_ms, $5::int)`,
        [nowMs, memory.ids, memory.lastSeenMs, STALE_AFTER_INTERVALS, DEFAULT_HEARTBEAT_INTERVAL_MS],
      );
      return rows.map((row) => row.id);
    },
    /** Nodes with an unresolved alarm about them (alarms name their subject by id, as text). */
    async alarmedIds(): Promise<string[]> {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT DISTINCT subject_id AS id FROM alarms
          WHERE resolved_at IS NULL AND subject_type = 'node' AND subject_id IS NOT NULL`,
      );
      return rows.map((row) => row.id).filter((id) => UUID.test(id));
    },
    list: async (query: NodesQuery, ids: NodeIdFilters = {}, db: Db = prisma) => {
      const where = whereOf(query, ids);
      const [rows, total] = await Promise.all([
        db.node.findMany({
          where,
          orderBy: orderOf(query),
          skip: query.offset,
          take: query.limit,
          select: NODE_VIEW_SELECT,
        }),
        db.node.count({ where }),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.node.findUnique({ where: { id }, select: NODE_VIEW_SELECT }),
    /** Marks the node decommissioned unless it already is (null then: another request came first). */
    decommission: async (id: string, by: string, at: Date, db: Db = prisma) => {
      const { count } = await db.node.updateMany({
        where: { id, decommissionedAt: null },
        data: { decommissionedAt: at, decommissionedBy: by, updatedAt: new Date() },
      });
      return count === 1 ? db.node.findUnique({ where: { id }, select: NODE_VIEW_SELECT }) : null;
    },
    /** Revokes every valid agent credential of the node; returns their ids. */
    revokeCredentials: async (nodeId: string, at: Date, db: Db = prisma) => {
      const credentials = await db.agentCredential.findMany({
        where: { nodeId, revokedAt: null },
        select: { id: true },
      });
      if (credentials.length > 0)
        await db.agentCredential.updateMany({
          where: { id: { in: credentials.map((c) => c.id) } },
          data: { revokedAt: at },
        });
      return credentials.map((c) => c.id);
    },
  };
}

export type NodesRepository = ReturnType<typeof createNodesRepository>;

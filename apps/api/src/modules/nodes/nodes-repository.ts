import type { NodesQuery } from '@iamroll/contracts';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';

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
  rwDatabase: DATABASE_REF,
  roDatabase: DATABASE_REF,
} as const satisfies Prisma.NodeSelect;

export type NodeViewRow = Prisma.NodeGetPayload<{ select: typeof NODE_VIEW_SELECT }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function whereOf(query: NodesQuery): Prisma.NodeWhereInput {
  const and: Prisma.NodeWhereInput[] = [];
  if (query.q) and.push({ OR: [{ hostname: { contains: query.q, mode: 'insensitive' } }, ...(UUID.test(query.q) ? [{ id: query.q.toLowerCase() }] : [])] });
  if (query.stage) and.push({ stage: query.stage });
  if (query.role) and.push({ role: query.role });
  if (query.status) and.push({ reportedStatus: query.status });
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

export function createNodesRepository(prisma: PrismaClient) {
  return {
    list: async (query: NodesQuery, db: Db = prisma) => {
      const where = whereOf(query);
      const [rows, total] = await Promise.all([
        db.node.findMany({ where, orderBy: orderOf(query), skip: query.offset, take: query.limit, select: NODE_VIEW_SELECT }),
        db.node.count({ where }),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.node.findUnique({ where: { id }, select: NODE_VIEW_SELECT }),
  };
}

export type NodesRepository = ReturnType<typeof createNodesRepository>;

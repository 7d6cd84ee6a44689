import type { EnrollBody } from '@iamroll/contracts';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';

export type EnrollmentTokenRow = Prisma.EnrollmentTokenGetPayload<object>;

export function createEnrollmentRepository(prisma: PrismaClient) {
  return {
    list: async (page: { limit: number; offset: number }, db: Db = prisma) => {
      const [rows, total] = await Promise.all([
        db.enrollmentToken.findMany({ orderBy: { createdAt: 'desc' }, skip: page.offset, take: page.limit }),
        db.enrollmentToken.count(),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.enrollmentToken.findUnique({ where: { id } }),
    create: (
      data: { name: string; tokenHash: string; prefix: string; createdById: string; expiresAt: Date; usesLeft: number },
      db: Db = prisma,
    ) => db.enrollmentToken.create({ data }),
    revoke: (id: string, at: Date, db: Db = prisma) =>
      db.enrollmentToken.update({ where: { id }, data: { revokedAt: at } }),
    /** Takes one use atomically; false when the token was used up, revoked or expired meanwhile. */
    takeUse: async (id: string, now: Date, db: Db = prisma): Promise<boolean> => {
      const { count } = await db.enrollmentToken.updateMany({
        where: { id, usesLeft: { gt: 0 }, revokedAt: null, expiresAt: { gt: now } },
        data: { usesLeft: { decrement: 1 } },
      });
      return count === 1;
    },
    createNode: (body: EnrollBody, db: Db = prisma) =>
      db.node.create({
        data: {
          hostname: body.hostname,
          kongVersion: body.kongVersion,
          role: body.role,
          agentVersion: body.agentVersion,
        },
      }),
    createAgentCredential: (nodeId: string, tokenHash: string, db: Db = prisma) =>
      db.agentCredential.create({ data: { nodeId, tokenHash } }),
  };
}

export type EnrollmentRepository = ReturnType<typeof createEnrollmentRepository>;

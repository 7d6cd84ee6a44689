import type { Role } from '@iamroll/contracts';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';

export type ApiTokenRow = Prisma.ApiTokenGetPayload<object>;

export function createApiTokensRepository(prisma: PrismaClient) {
  return {
    list: async (page: { limit: number; offset: number }, db: Db = prisma) => {
      const [rows, total] = await Promise.all([
        db.apiToken.findMany({ orderBy: { createdAt: 'desc' }, skip: page.offset, take: page.limit }),
        db.apiToken.count(),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.apiToken.findUnique({ where: { id } }),
    create: (
      data: { name: string; tokenHash: string; prefix: string; role: Role; userId: string; expiresAt: Date | null },
      db: Db = prisma,
    ) => db.apiToken.create({ data }),
    revoke: (id: string, at: Date, db: Db = prisma) => db.apiToken.update({ where: { id }, data: { revokedAt: at } }),
  };
}

export type ApiTokensRepository = ReturnType<typeof createApiTokensRepository>;

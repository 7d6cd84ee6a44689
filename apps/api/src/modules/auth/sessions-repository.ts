import type { Db, PrismaClient } from '../../db/prisma-client';

export function createSessionsRepository(prisma: PrismaClient) {
  return {
    create: (data: { id: string; userId: string; csrfToken: string; expiresAt: Date }, db: Db = prisma) =>
      db.session.create({ data }),
    delete: (id: string, db: Db = prisma) => db.session.deleteMany({ where: { id } }),
    deleteExpired: (now: Date, db: Db = prisma) => db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

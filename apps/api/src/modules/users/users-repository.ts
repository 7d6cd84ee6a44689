import type { Role } from '@iamroll/contracts';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';

export type UserRow = Prisma.UserGetPayload<object>;

/** Users and their sessions. Every method takes an optional transaction. */
export function createUsersRepository(prisma: PrismaClient) {
  return {
    list: async (page: { limit: number; offset: number }, db: Db = prisma) => {
      const [rows, total] = await Promise.all([
        db.user.findMany({ orderBy: { username: 'asc' }, skip: page.offset, take: page.limit }),
        db.user.count(),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.user.findUnique({ where: { id } }),
    findByUsername: (username: string, db: Db = prisma) =>
      db.user.findUnique({ where: { username: username.toLowerCase() } }),
    count: (db: Db = prisma) => db.user.count(),
    countActiveAdmins: (db: Db = prisma) => db.user.count({ where: { role: 'admin', disabledAt: null } }),
    create: (data: { username: string; passwordHash: string; role: Role }, db: Db = prisma) =>
      db.user.create({ data: { ...data, username: data.username.toLowerCase() } }),
    update: (id: string, data: Prisma.UserUpdateInput, db: Db = prisma) => db.user.update({ where: { id }, data }),
    /** Serialises changes that must keep at least one active admin. */
    lockAdmins: async (db: Db = prisma) => {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(7601337002)`;
    },
    deleteSessions: (userId: string, db: Db = prisma) => db.session.deleteMany({ where: { userId } }),
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

import type { CreateUserBody, PageQuery, UpdateUserBody, UserList, UserView } from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import { hashPassword } from '../auth/passwords';
import type { Actor } from '../auth/principal';
import { toUserView } from './user-view';
import type { UsersRepository } from './users-repository';
import { isUniqueViolation } from '../../db/prisma-client';

export interface UsersServiceDeps {
  readonly prisma: PrismaClient;
  readonly users: UsersRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
}

export function createUsersService({ prisma, users, audit, events }: UsersServiceDeps) {
  return {
    async list(page: PageQuery): Promise<UserList> {
      const { rows, total } = await users.list(page);
      return { items: rows.map(toUserView), total };
    },

    async create(actor: Actor, body: CreateUserBody): Promise<UserView> {
      // Hash outside the transaction: it takes tens of milliseconds of CPU.
      const passwordHash = await hashPassword(body.password);
      try {
        const user = await prisma.$transaction(async (tx) => {
          const created = await users.create({ username: body.username, passwordHash, role: body.role }, tx);
          await audit.record(
            {
              actor,
              action: 'user.create',
              subjectType: 'user',
              subjectId: created.id,
              reason: body.reason,
              data: { username: created.username, role: created.role },
            },
            tx,
          );
          await events.notifyIn(tx, 'user.created', { id: created.id });
          return created;
        });
        return toUserView(user);
      } catch (error) {
        if (isUniqueViolation(error)) throw AppError.conflict(`A user named ${body.username} already exists.`);
        throw error;
      }
    },

    async update(actor: Actor, id: string, body: UpdateUserBody): Promise<UserView> {
      const passwordHash = body.password ? await hashPassword(body.password) : undefined;
      const user = await prisma.$transaction(async (tx) => {
        await users.lockAdmins(tx);
        const current = await users.findById(id, tx);
        if (!current) throw AppError.notFound('The user');
        const isDisabled = body.isDisabled ?? current.disabledAt !== null;
        const role = body.role ?? current.role;
        const losesAdmin = current.role === 'admin' && current.disabledAt === null && (role !== 'admin' || isDisabled);
        if (losesAdmin && (await users.countActiveAdmins(tx)) <= 1) {
          throw AppError.conflict('This is the last active admin: make another user admin first.');
        }
        const updated = await users.update(
          id,
          {
            role,
            disabledAt: isDisabled ? (current.disabledAt ?? new Date()) : null,
            ...(passwordHash ? { passwordHash } : {}),
          },
          tx,
        );
        // A disabled user, or one whose password was reset, is signed out everywhere.
        if (isDisabled || passwordHash) await users.deleteSessions(id, tx);
        const changes = {
          ...(role !== current.role ? { role: { from: current.role, to: role } } : {}),
          ...(isDisabled !== (current.disabledAt !== null) ? { isDisabled } : {}),
          ...(passwordHash ? { passwordReset: true } : {}),
        };
        await audit.record(
          {
            actor,
            action: 'user.update',
            subjectType: 'user',
            subjectId: id,
            reason: body.reason,
            data: { username: current.username, ...changes },
          },
          tx,
        );
        await events.notifyIn(tx, 'user.updated', { id });
        return updated;
      });
      return toUserView(user);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

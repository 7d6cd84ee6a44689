import type { ChangePasswordBody, LoginBody, MeResponse } from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import { CREDENTIAL_EVENTS, type EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { UsersRepository } from '../users/users-repository';
import { createPasswordGate, type PasswordGate } from './password-gate';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { actorOf, type Principal } from './principal';
import { hashToken, newToken } from './secrets';
import type { SessionsRepository } from './sessions-repository';

export interface AuthServiceDeps {
  readonly prisma: PrismaClient;
  readonly users: UsersRepository;
  readonly sessions: SessionsRepository;
  readonly audit: AuditRepository;
  /** `session.ended` on commit: the ended sessions' event streams close at once (plugins/events.ts). */
  readonly events: EventBus;
  readonly sessionTtlHours: number;
  readonly now?: () => Date;
  /** Bounds concurrent password checks, fairly by client (default: a gate of its own). */
  readonly passwordGate?: PasswordGate;
}

export interface LoginResult {
  readonly me: MeResponse;
  /** The cookie value; only its hash is stored. */
  readonly sessionToken: string;
  readonly expiresAt: Date;
}

const BAD_LOGIN = 'Wrong username or password.';
/** Stands in the audit log for a typed username that names no user. */
export const UNKNOWN_USERNAME = '(unknown username)';

export function createAuthService({
  prisma,
  users,
  sessions,
  audit,
  events,
  sessionTtlHours,
  now = () => new Date(),
  passwordGate = createPasswordGate(),
}: AuthServiceDeps) {
  return {
    async login(body: LoginBody, clientIp: string): Promise<LoginResult> {
      const username = body.username.toLowerCase();
      const user = await users.findByUsername(username);
      const isValid = await passwordGate.run(clientIp, () =>
        user ? verifyPassword(body.password, user.passwordHash) : verifyAgainstDummy(body.password),
      );
      if (!user || !isValid || user.disabledAt) {
        await audit.record({
          actor: { actorType: 'system', actorId: null, actorName: 'login' },
          action: 'auth.login_failed',
          // What was typed is kept only when it names a user: people paste passwords into the username field.
          data: { username: user ? user.username : UNKNOWN_USERNAME, clientIp },
        });
        // The same answer for unknown, wrong and disabled: do not reveal which usernames exist.
        throw AppError.unauthenticated(BAD_LOGIN);
      }
      const sessionToken = newToken('');
      const csrfToken = newToken('');
      const expiresAt = new Date(now().getTime() + sessionTtlHours * 3_600_000);
      await prisma.$transaction(async (tx) => {
        await sessions.create({ id: hashToken(sessionToken), userId: user.id, csrfToken, expiresAt }, tx);
        await users.update(user.id, { lastLoginAt: now() }, tx);
        await audit.record(
          {
            actor: { actorType: 'user', actorId: user.id, actorName: user.username },
            action: 'auth.login',
            subjectType: 'user',
            subjectId: user.id,
            data: { clientIp },
          },
          tx,
        );
      });
      return {
        me: { user: { id: user.id, username: user.username, role: user.role }, csrfToken },
        sessionToken,
        expiresAt,
      };
    },

    async logout(principal: Principal): Promise<void> {
      if (principal.kind !== 'user') return; // API tokens have no session to end
      await prisma.$transaction(async (tx) => {
        await sessions.delete(principal.sessionId, tx);
        await audit.record(
          { actor: actorOf(principal), action: 'auth.logout', subjectType: 'user', subjectId: principal.userId },
          tx,
        );
        await events.notifyIn(tx, CREDENTIAL_EVENTS.sessionEnded, { userId: principal.userId });
      });
    },

    async me(principal: Principal): Promise<MeResponse> {
      if (principal.kind === 'user') {
        return {
          user: { id: principal.userId, username: principal.username, role: principal.role },
          csrfToken: principal.csrfToken,
        };
      }
      if (principal.kind !== 'token') throw AppError.forbidden();
      const owner = await users.findById(principal.userId);
      if (!owner) throw AppError.unauthenticated();
      // The role the token acts with now: its own, or its owner's current role if that is lower.
      return { user: { id: owner.id, username: owner.username, role: principal.role }, csrfToken: null };
    },

    async changePassword(principal: Principal, body: ChangePasswordBody): Promise<void> {
      if (principal.kind !== 'user')
        throw AppError.forbidden('Sign in as the user to change their password; API tokens cannot.');
      const user = await users.findById(principal.userId);
      if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash))) {
        throw new AppError('validation', 'The current password is wrong.', [
          { path: 'body.currentPassword', message: 'is wrong' },
        ]);
      }
      const passwordHash = await hashPassword(body.newPassword);
      await prisma.$transaction(async (tx) => {
        await users.update(user.id, { passwordHash }, tx);
        // Other sessions end; this one stays signed in.
        await tx.session.deleteMany({ where: { userId: user.id, id: { not: principal.sessionId } } });
        await audit.record(
          { actor: actorOf(principal), action: 'user.change_password', subjectType: 'user', subjectId: user.id },
          tx,
        );
        await events.notifyIn(tx, CREDENTIAL_EVENTS.sessionEnded, { userId: user.id });
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

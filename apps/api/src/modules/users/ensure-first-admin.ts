import type { PrismaClient } from '../../db/prisma-client';
import type { AuditRepository } from '../audit/audit-repository';
import { generatePassword, hashPassword } from '../auth/passwords';
import { SYSTEM_ACTOR } from '../auth/principal';
import type { UsersRepository } from './users-repository';

export const FIRST_ADMIN_USERNAME = 'admin';

export interface FirstAdmin {
  readonly username: string;
  /** Only when generated: show it once, never log or store it. Null when it came from IAMROLL_ADMIN_PASSWORD. */
  readonly generatedPassword: string | null;
}

/**
 * Creates `admin` when the controller has no user at all. Several API
 * processes may start at once: an advisory lock makes exactly one create it.
 */
export async function ensureFirstAdmin(
  deps: { prisma: PrismaClient; users: UsersRepository; audit: AuditRepository },
  configuredPassword: string | undefined,
): Promise<FirstAdmin | null> {
  if ((await deps.users.count()) > 0) return null;
  const password = configuredPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return deps.prisma.$transaction(async (tx) => {
    await deps.users.lockAdmins(tx);
    if ((await deps.users.count(tx)) > 0) return null;
    const user = await deps.users.create({ username: FIRST_ADMIN_USERNAME, passwordHash, role: 'admin' }, tx);
    await deps.audit.record(
      {
        actor: SYSTEM_ACTOR,
        action: 'user.create',
        subjectType: 'user',
        subjectId: user.id,
        reason: 'first start: no user existed',
        data: {
          username: user.username,
          role: user.role,
          passwordSource: configuredPassword ? 'IAMROLL_ADMIN_PASSWORD' : 'generated',
        },
      },
      tx,
    );
    return { username: user.username, generatedPassword: configuredPassword ? null : password };
  });
}

import type { UserView } from '@iamroll/contracts';
import type { UserRow } from './users-repository';

/** What the API shows of a user: never the password hash. */
export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    isDisabled: row.disabledAt !== null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

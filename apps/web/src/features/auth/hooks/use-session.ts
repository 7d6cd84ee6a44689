import type { Role, SessionUser } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { meQuery } from '../api/auth-queries';

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(user: Pick<SessionUser, 'role'> | null | undefined, needed: Role): boolean {
  return !!user && RANK[user.role] >= RANK[needed];
}

/** The signed-in user (undefined while loading, null when signed out). */
export function useSession() {
  const query = useQuery(meQuery());
  return { user: query.data?.user ?? (query.data === null ? null : undefined), query };
}

/** Whether the signed-in user may do what needs `role`: the UI disables what the API would refuse. */
export function useCan(role: Role): boolean {
  return hasRole(useSession().user, role);
}

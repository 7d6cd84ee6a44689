import type pg from 'pg';

/**
 * Direct or inherited membership in rds_iam, as pg_hba.conf's `+rds_iam`
 * matches it. (pg_has_role would call every superuser a member.)
 */
const IS_RDS_IAM_MEMBER = `
WITH RECURSIVE granted(roleid) AS (
  SELECT m.roleid FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1
  UNION
  SELECT m.roleid FROM pg_auth_members m JOIN granted g ON m.member = g.roleid
)
SELECT EXISTS (SELECT 1 FROM granted g JOIN pg_roles r ON r.oid = g.roleid WHERE r.rolname = 'rds_iam') AS "isMember"`;

/** How long an answer is reused: a connection storm asks about the same user thousands of times. */
const CACHE_MS = 1_000;

/**
 * Which logins are IAM-only is decided by the database, as on RDS: granting
 * rds_iam to a user (or revoking it) changes how the next login authenticates,
 * within a second.
 */
export function createMembershipLookup(pool: pg.Pool): (user: string) => Promise<boolean> {
  const cache = new Map<string, { atMs: number; isMember: Promise<boolean> }>();
  return (user) => {
    const nowMs = performance.now();
    const hit = cache.get(user);
    if (hit && nowMs - hit.atMs < CACHE_MS) return hit.isMember;
    const isMember = pool
      .query<{ isMember: boolean }>(IS_RDS_IAM_MEMBER, [user])
      .then((result) => result.rows[0]?.isMember === true);
    cache.set(user, { atMs: nowMs, isMember });
    // A failed lookup must not be remembered.
    isMember.catch(() => cache.delete(user));
    if (cache.size > 10_000) cache.clear();
    return isMember;
  };
}

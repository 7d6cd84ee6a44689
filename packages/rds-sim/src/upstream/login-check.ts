import type pg from 'pg';

/** Why PostgreSQL would refuse this login after authentication, as its FATAL says it; null: allowed. */
export interface LoginRefusal {
  readonly sqlState: string;
  readonly message: string;
  readonly detail?: string;
}

const LOGIN_FACTS = `
SELECT
  (SELECT rolcanlogin FROM pg_roles WHERE rolname = $1) AS "canLogin",
  EXISTS (SELECT 1 FROM pg_database WHERE datname = $2 AND datallowconn) AS "hasDatabase",
  CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND EXISTS (SELECT 1 FROM pg_database WHERE datname = $2)
       THEN has_database_privilege($1, $2, 'CONNECT') END AS "canConnect"`;

const CACHE_MS = 1_000;

/**
 * The answer mode's stand-in for upstream's own checks after authentication: the role
 * exists and may log in, the database exists and the role has CONNECT on it. Asked of the
 * real database (answers reused for 1 s), so REVOKE CONNECT or NOLOGIN take effect as on RDS.
 */
export function createLoginCheck(pool: pg.Pool): (user: string, database: string) => Promise<LoginRefusal | null> {
  const cache = new Map<string, { atMs: number; refusal: Promise<LoginRefusal | null> }>();
  return (user, database) => {
    const key = `${user}\0${database}`;
    const nowMs = performance.now();
    const hit = cache.get(key);
    if (hit && nowMs - hit.atMs < CACHE_MS) return hit.refusal;
    const refusal = pool
      .query<{ canLogin: boolean | null; hasDatabase: boolean; canConnect: boolean | null }>(LOGIN_FACTS, [
        user,
        database,
      ])
      .then(({ rows }): LoginRefusal | null => {
        const facts = rows[0];
        if (!facts || facts.canLogin === null) return { sqlState: '28000', message: `role "${user}" does not exist` };
        if (!facts.canLogin) return { sqlState: '28000', message: `role "${user}" is not permitted to log in` };
        if (!facts.hasDatabase) return { sqlState: '3D000', message: `database "${database}" does not exist` };
        if (!facts.canConnect)
          return {
            sqlState: '42501',
            message: `permission denied for database "${database}"`,
            detail: 'User does not have CONNECT privilege.',
          };
        return null;
      });
    cache.set(key, { atMs: nowMs, refusal });
    refusal.catch(() => cache.delete(key));
    if (cache.size > 10_000) cache.clear();
    return refusal;
  };
}

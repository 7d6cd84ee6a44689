import pg from 'pg';

/** How the sandbox reaches the simulated instances' PostgreSQL as its superuser (RdsSim.upstream). */
export interface ClusterAdmin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
}

const quoted = (role: string) => `"${role.replaceAll('"', '""')}"`;

/**
 * GRANT or REVOKE rds_iam for an IAM database user on the cluster behind the simulated
 * instances. As on RDS, the role decides whether a login must present an IAM token: without
 * it the user's token logins fail (PAM authentication failed). Roles are cluster-wide, so both
 * simulated instances see the change (within their one-second membership cache).
 */
export async function setRdsIamMembership(admin: ClusterAdmin, user: string, hasRdsIam: boolean): Promise<void> {
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    await client.query(hasRdsIam ? `GRANT rds_iam TO ${quoted(user)}` : `REVOKE rds_iam FROM ${quoted(user)}`);
  } finally {
    await client.end();
  }
}

/** Whether each user is a direct member of rds_iam now (how the sandbox learns it at start). */
export async function rdsIamMembers(admin: ClusterAdmin, users: readonly string[]): Promise<Map<string, boolean>> {
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ user: string }>(
      `SELECT r.rolname AS user FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
        WHERE g.rolname = 'rds_iam' AND r.rolname = ANY($1)`,
      [users],
    );
    const members = new Set(rows.map((row) => row.user));
    return new Map(users.map((user) => [user, members.has(user)]));
  } finally {
    await client.end();
  }
}

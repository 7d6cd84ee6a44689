import pg from 'pg';

export interface PasswordUser {
  readonly user: string;
  readonly password: string;
}

export interface UpstreamAdmin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export interface UpstreamPlan {
  readonly iamUsers: readonly string[];
  readonly passwordUsers: readonly PasswordUser[];
  readonly database: string;
}

/**
 * Makes the upstream look like an RDS instance set up for IAM, idempotently:
 * role rds_iam; IAM users with LOGIN, no password, members of rds_iam;
 * password users with their password and NOT members of rds_iam; the
 * database, owned by the first password user (else the first IAM user).
 * IAM users are also granted the owner role, the usual way to let a new IAM
 * login use the tables the old password login owns.
 */
export async function prepareUpstream(admin: UpstreamAdmin, plan: UpstreamPlan): Promise<void> {
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    const id = (name: string): string => client.escapeIdentifier(name);
    const roleExists = async (name: string): Promise<boolean> =>
      ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount ?? 0) > 0;

    if (!(await roleExists('rds_iam'))) await client.query('CREATE ROLE rds_iam NOLOGIN');
    for (const { user, password } of plan.passwordUsers) {
      const verb = (await roleExists(user)) ? 'ALTER' : 'CREATE';
      await client.query(`${verb} ROLE ${id(user)} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
      if (await isDirectMember(client, user)) await client.query(`REVOKE rds_iam FROM ${id(user)}`);
    }
    for (const user of plan.iamUsers) {
      const verb = (await roleExists(user)) ? 'ALTER' : 'CREATE';
      await client.query(`${verb} ROLE ${id(user)} LOGIN PASSWORD NULL`);
      if (!(await isDirectMember(client, user))) await client.query(`GRANT rds_iam TO ${id(user)}`);
    }

    const owner = plan.passwordUsers[0]?.user ?? plan.iamUsers[0];
    const hasDatabase =
      ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [plan.database])).rowCount ?? 0) > 0;
    if (!hasDatabase) await client.query(`CREATE DATABASE ${id(plan.database)}${owner ? ` OWNER ${id(owner)}` : ''}`);
    if (owner && plan.passwordUsers.length > 0) {
      for (const user of plan.iamUsers) await client.query(`GRANT ${id(owner)} TO ${id(user)}`);
    }
  } finally {
    await client.end();
  }
}

async function isDirectMember(client: pg.Client, user: string): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
     WHERE r.rolname = $1 AND g.rolname = 'rds_iam'`,
    [user],
  );
  return (result.rowCount ?? 0) > 0;
}

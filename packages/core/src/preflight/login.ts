import type pg from 'pg';
import { classifyConnectFailure, createIamPool } from '../pool/index';
import { createFixedTokenProvider, redactSecrets } from '../token/index';
import { grantRdsIam, pamFailureFix, q, tlsFix, type PolicyContext } from './fixes';
import type { TargetConnection } from './target-config';
import type { PreflightCheck } from './types';

// One TLS login as the target IAM user through the core pool (the token already signed), then,
// in that session, rds_iam membership and Kong's rights. A refused login is sorted into the
// check it points to: RDS asks members of rds_iam for a token and treats everyone else's
// token as a password, so "password authentication failed" means the user is not in rds_iam
// (or does not exist), while "PAM authentication failed" means the token itself was refused.

export interface LoginInput {
  readonly connection: TargetConnection;
  readonly token: string;
  readonly connectHost: string | undefined;
  readonly caPem: string;
  readonly caDescription: string;
  readonly policy: PolicyContext;
  readonly nowIso: string;
  readonly timeoutMs: number;
}

type Checks = [PreflightCheck, PreflightCheck, PreflightCheck];

const MEMBER_SQL = `SELECT (SELECT pg_has_role(current_user, oid, 'member') FROM pg_roles WHERE rolname = 'rds_iam') AS "isMember",
  current_user AS "user", current_database() AS "database"`;
const SCHEMA_SQL = `SELECT has_database_privilege(current_database(), 'CONNECT') AS "connect",
  (SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_namespace n WHERE n.nspname = $1) AS "usage",
  (SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = $1) AS "create"`;
const TABLES_SQL = `SELECT c.relname AS "name", pg_get_userbyid(c.relowner) AS "owner",
  has_table_privilege(c.oid, 'SELECT') AS "select", has_table_privilege(c.oid, 'INSERT') AS "insert",
  has_table_privilege(c.oid, 'UPDATE') AS "update", has_table_privilege(c.oid, 'DELETE') AS "delete"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`;

function check(
  id: PreflightCheck['id'],
  connection: TargetConnection,
  status: PreflightCheck['status'],
  message: string,
  fix = '',
): PreflightCheck {
  return { id, connection: connection.which, status, message, fix };
}

function who(input: LoginInput): string {
  const { settings } = input.connection;
  const via = input.connectHost ? ` via ${input.connectHost}` : '';
  return `${settings.user ?? '?'}@${settings.host ?? '?'}:${settings.port ?? 5432}/${settings.database ?? '?'}${via}`;
}

function refused(input: LoginInput, error: unknown): Checks {
  const c = input.connection;
  const user = c.settings.user ?? '';
  const text = redactSecrets(error instanceof Error ? error.message : String(error), [input.token]);
  const code = (error as { code?: unknown }).code;
  const skipAfter = (reason: string): [PreflightCheck, PreflightCheck] => [
    check('rds-iam-member', c, 'skip', `not checked: ${reason}`),
    check('database-rights', c, 'skip', `not checked: ${reason}`),
  ];
  if (/password authentication failed/i.test(text)) {
    return [
      check(
        'tls-login',
        c,
        'skip',
        `TLS was negotiated, but the database treated the token as a password (${text}): see rds-iam-member`,
      ),
      check(
        'rds-iam-member',
        c,
        'fail',
        `${user} is not a member of rds_iam (or does not exist), or the instance has IAM database authentication off: the database asked for its password instead of a token`,
        `${grantRdsIam(user)}\n-- if the user does not exist yet: CREATE USER ${q(user)}; first (as the RDS master user)\n-- if it is a member already, IAM database authentication is off on the instance: aws rds modify-db-instance --db-instance-identifier <instance> --enable-iam-database-authentication --apply-immediately`,
      ),
      check('database-rights', c, 'skip', 'not checked: the login failed (see rds-iam-member)'),
    ];
  }
  if (code === '42501' || /permission denied for database/i.test(text)) {
    const database = c.settings.database ?? 'kong';
    return [
      check(
        'tls-login',
        c,
        'pass',
        `TLS verified and the token accepted as ${who(input)}; the database then refused the session: see database-rights`,
      ),
      check('rds-iam-member', c, 'pass', `${user} logged in with a token, so it is a member of rds_iam`),
      check(
        'database-rights',
        c,
        'fail',
        `${user} may not connect to database ${database}: ${text}`,
        `GRANT CONNECT ON DATABASE ${q(database)} TO ${q(user)};`,
      ),
    ];
  }
  const cause = classifyConnectFailure(error);
  const failed = (fix: string): Checks => [
    check('tls-login', c, 'fail', `login as ${who(input)} failed (${cause}): ${text}`, fix),
    ...skipAfter('the login failed (see tls-login)'),
  ];
  switch (cause) {
    case 'tls':
      return failed(tlsFix(input.caDescription, c.settings.sslVerify));
    case 'invalid_token':
    case 'not_authorized':
      return failed(pamFailureFix(input.policy, input.nowIso));
    case 'throttled':
      return failed(
        'RDS throttled the IAM login (too many competing requests): run preflight again when the fleet is calmer; pace restarts under the instance budget (~200 IAM logins/s).',
      );
    case 'network':
      return failed(
        `Cannot reach ${input.connectHost ?? c.settings.host ?? '?'}:${c.settings.port ?? 5432}: check the host, the port, security groups and routes (or pass --connect-host for a tunnel).`,
      );
    case 'other':
      return failed('See the message above: the server refused the session after the token.');
  }
}

async function rights(client: pg.PoolClient, input: LoginInput): Promise<PreflightCheck> {
  const c = input.connection;
  const user = c.settings.user ?? '';
  const database = c.settings.database ?? 'kong';
  const isWriter = c.which === 'rw';
  const schemaRow = (
    await client.query<{ connect: boolean; usage: boolean | null; create: boolean | null }>(SCHEMA_SQL, [c.schema])
  ).rows[0];
  const tables = (
    await client.query<{
      name: string;
      owner: string;
      select: boolean;
      insert: boolean;
      update: boolean;
      delete: boolean;
    }>(TABLES_SQL, [c.schema])
  ).rows;
  const problems: string[] = [];
  const fixes: string[] = [];
  if (schemaRow?.connect !== true) {
    problems.push(`no CONNECT on database ${database}`);
    fixes.push(`GRANT CONNECT ON DATABASE ${q(database)} TO ${q(user)};`);
  }
  if (schemaRow?.usage === null || schemaRow === undefined) {
    problems.push(`schema ${c.schema} does not exist in ${database} (pg_schema)`);
    fixes.push(`-- create it, or set pg_schema to the schema Kong's tables are in:\nCREATE SCHEMA ${q(c.schema)};`);
  } else {
    const schemaRights = isWriter ? ['USAGE', 'CREATE'] : ['USAGE'];
    const missing = schemaRights.filter((right) => (right === 'USAGE' ? !schemaRow.usage : !schemaRow.create));
    if (missing.length > 0) {
      problems.push(
        `no ${missing.join(', ')} on schema ${c.schema}${isWriter && missing.includes('CREATE') ? ' (kong migrations, run as this user once IAM is on, create tables)' : ''}`,
      );
      fixes.push(`GRANT ${missing.join(', ')} ON SCHEMA ${q(c.schema)} TO ${q(user)};`);
    }
  }
  const wanted = isWriter ? (['select', 'insert', 'update', 'delete'] as const) : (['select'] as const);
  const lacking = tables.filter((table) => wanted.some((right) => !table[right]));
  if (lacking.length > 0) {
    const names = lacking.slice(0, 10).map((table) => table.name);
    const privileges = wanted.map((right) => right.toUpperCase()).join(', ');
    problems.push(
      `no ${privileges} on ${lacking.length} of Kong's ${tables.length} tables in ${c.schema} (${names.join(', ')}${lacking.length > 10 ? ', …' : ''})`,
    );
    fixes.push(`GRANT ${privileges} ON ALL TABLES IN SCHEMA ${q(c.schema)} TO ${q(user)};`);
    for (const owner of new Set(lacking.map((table) => table.owner)))
      fixes.push(
        `-- tables later migrations create as ${owner}:\nALTER DEFAULT PRIVILEGES FOR ROLE ${q(owner)} IN SCHEMA ${q(c.schema)} GRANT ${privileges} ON TABLES TO ${q(user)};`,
      );
  }
  if (problems.length > 0)
    return check(
      'database-rights',
      c,
      'fail',
      `${user} cannot use Kong's database as the ${c.label} connection needs: ${problems.join('; ')}`,
      `-- as the owner of Kong's tables (or the RDS master user), connected to ${database}:\n${fixes.join('\n')}`,
    );
  const tableWords =
    tables.length === 0
      ? `no tables in ${c.schema} yet (before kong migrations bootstrap)`
      : `${wanted.map((right) => right.toUpperCase()).join(', ')} on all ${tables.length} tables in ${c.schema}`;
  return check(
    'database-rights',
    c,
    'pass',
    `${user} has CONNECT on ${database}, ${isWriter ? 'USAGE and CREATE' : 'USAGE'} on schema ${c.schema}, ${tableWords}`,
  );
}

export async function checkLogin(input: LoginInput): Promise<Checks> {
  const c = input.connection;
  const { settings } = c;
  const verify = settings.sslVerify;
  const tls =
    settings.sslVersion === 'tlsv1_3'
      ? ({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const)
      : settings.sslVersion === 'any'
        ? ({ maxVersion: 'TLSv1.3' } as const)
        : {};
  const pool = createIamPool({
    host: settings.host ?? '',
    ...(input.connectHost ? { connectHost: input.connectHost } : {}),
    port: settings.port ?? 5432,
    user: settings.user ?? '',
    database: settings.database ?? 'kong',
    tokenProvider: createFixedTokenProvider(input.token),
    tls: { mode: verify ? 'verify-full' : 'require', ca: input.caPem, ...tls },
    gate: null,
    retry: { maxRetries: 0 },
    connectTimeoutMs: input.timeoutMs,
    pg: { max: 1, application_name: 'iamroll-preflight' },
  });
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    return refused(input, error);
  }
  try {
    const member = (await client.query<{ isMember: boolean | null; user: string }>(MEMBER_SQL)).rows[0];
    const login = check(
      'tls-login',
      c,
      'pass',
      `logged in as ${who(input)} with an IAM token over TLS${verify ? ', server certificate verified against ' + input.caDescription : ' (pg_ssl_verify off: certificate not verified)'}`,
    );
    const user = settings.user ?? '';
    const membership =
      member?.isMember === true
        ? check('rds-iam-member', c, 'pass', `${user} is a member of rds_iam`)
        : check(
            'rds-iam-member',
            c,
            'fail',
            member?.isMember === null
              ? 'there is no rds_iam role on this server: is it an RDS instance?'
              : `${user} is not a member of rds_iam`,
            grantRdsIam(user),
          );
    return [login, membership, await rights(client, input)];
  } catch (error) {
    const text = redactSecrets((error as Error).message, [input.token]);
    return [
      check('tls-login', c, 'pass', `logged in as ${who(input)} with an IAM token over TLS`),
      check('rds-iam-member', c, 'skip', `not checked: the query failed: ${text}`),
      check(
        'database-rights',
        c,
        'fail',
        `the rights query failed: ${text}`,
        'Run preflight again; if it persists, check the user can read pg_catalog.',
      ),
    ];
  } finally {
    client.release();
    await pool.end().catch(() => undefined);
  }
}

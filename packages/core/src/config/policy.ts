import { dbUserProblem, quoteIdentifier, sqlNameProblem } from './identifiers';
import { isAwsRegionName, partitionOfRegion } from './region';

// What must exist on the AWS and PostgreSQL side before a node can log in with IAM:
//  - an IAM policy allowing rds-db:connect on
//    arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<db user>
//    (the DbiResourceId `db-…`, or `cluster-…` for an Aurora cluster, not the instance name);
//  - the database user, a member of rds_iam, with Kong's privileges on its database.
// A member of rds_iam can log in only with IAM: the password user must never get it.

export interface PolicyInput {
  readonly region: string;
  readonly accountId: string;
  readonly resourceId: string;
  readonly users: readonly string[];
  /** Kong's database (pg_database), default kong. */
  readonly database?: string;
  /** The schema Kong's tables live in (pg_schema), default public. */
  readonly schema?: string;
  /** The password user that owns Kong's tables today (runs migrations), default kong. */
  readonly owner?: string;
}

export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly [
    {
      readonly Sid: string;
      readonly Effect: 'Allow';
      readonly Action: 'rds-db:connect';
      readonly Resource: readonly string[];
    },
  ];
}

export type PolicyResult =
  | { readonly ok: true; readonly policy: IamPolicyDocument; readonly sql: string }
  | { readonly ok: false; readonly errors: readonly string[] };

const ACCOUNT = /^\d{12}$/;
const RESOURCE_ID = /^(?:db|cluster)-[A-Za-z0-9]+$/;

function inputErrors(input: PolicyInput): string[] {
  const errors: string[] = [];
  if (!isAwsRegionName(input.region))
    errors.push(`--region ${JSON.stringify(input.region)} is not an AWS region name (e.g. us-east-1).`);
  if (!ACCOUNT.test(input.accountId))
    errors.push(`--account ${JSON.stringify(input.accountId)} is not a 12-digit AWS account id.`);
  if (!RESOURCE_ID.test(input.resourceId)) {
    errors.push(
      `--resource-id ${JSON.stringify(input.resourceId)} is not a DbiResourceId: use the instance's resource id (db-…, shown as "Resource ID" in the RDS console, or DbiResourceId in describe-db-instances; for Aurora the cluster's cluster-… id), not its name.`,
    );
  }
  if (input.users.length === 0) errors.push('give at least one --user (the IAM database user Kong logs in as).');
  for (const user of input.users) {
    const problem = dbUserProblem(user);
    if (problem !== null) errors.push(`--user ${JSON.stringify(user)} cannot be a database user name: ${problem}.`);
  }
  for (const [option, name, check] of [
    ['--database', input.database, sqlNameProblem],
    ['--schema', input.schema, sqlNameProblem],
    ['--owner', input.owner, dbUserProblem],
  ] as const) {
    const problem = name === undefined ? null : check(name);
    if (problem !== null) errors.push(`${option} ${JSON.stringify(name)} is not a usable name: ${problem}.`);
  }
  const owner = input.owner ?? 'kong';
  if (input.users.includes(owner)) {
    errors.push(
      `--user ${owner} is the password user that owns Kong's tables: granting it rds_iam would end its password logins. Use a dedicated IAM user such as ${owner}_iam.`,
    );
  }
  return errors;
}

export function rdsDbUserArn(input: Pick<PolicyInput, 'region' | 'accountId' | 'resourceId'>, user: string): string {
  return `arn:${partitionOfRegion(input.region)}:rds-db:${input.region}:${input.accountId}:dbuser:${input.resourceId}/${user}`;
}

function policySql(input: PolicyInput, users: readonly string[]): string {
  const database = quoteIdentifier(input.database ?? 'kong');
  const schema = quoteIdentifier(input.schema ?? 'public');
  const ownerName = input.owner ?? 'kong';
  const owner = quoteIdentifier(ownerName);
  const lines = [
    `-- IAM database users for Kong on ${input.resourceId} (${input.region}).`,
    `-- A member of rds_iam can log in ONLY with an IAM token. Do NOT grant rds_iam to ${ownerName}`,
    '-- (or any password user Kong uses): its password logins, and every rollback, would stop working.',
    '',
    '-- 1. As the RDS master user:',
  ];
  for (const user of users) {
    const quoted = quoteIdentifier(user);
    lines.push(
      `CREATE USER ${quoted};`,
      `GRANT rds_iam TO ${quoted};`,
      `GRANT CONNECT ON DATABASE ${database} TO ${quoted};`,
    );
  }
  lines.push(
    '',
    `-- 2. As ${ownerName} (the owner of Kong's tables), connected to database ${input.database ?? 'kong'}:`,
  );
  for (const user of users) {
    const quoted = quoteIdentifier(user);
    lines.push(
      `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${quoted};`,
      `GRANT ALL ON ALL TABLES IN SCHEMA ${schema} TO ${quoted};`,
      `GRANT ALL ON ALL SEQUENCES IN SCHEMA ${schema} TO ${quoted};`,
      `-- Tables and sequences that later migrations create as ${ownerName}:`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT ALL ON TABLES TO ${quoted};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT ALL ON SEQUENCES TO ${quoted};`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function buildIamPolicy(input: PolicyInput): PolicyResult {
  const errors = inputErrors(input);
  if (errors.length > 0) return { ok: false, errors };
  const users = [...new Set(input.users)];
  const policy: IamPolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'KongRdsIamConnect',
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: users.map((user) => rdsDbUserArn(input, user)),
      },
    ],
  };
  return { ok: true, policy, sql: policySql(input, users) };
}

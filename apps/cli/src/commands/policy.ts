import { Option, type Command } from 'commander';
import { buildIamPolicy } from '@iamroll/core/config';
import { CliError, ExitCode, type CliIo } from '../io';

// `iamroll policy`: what must exist on the AWS and PostgreSQL side before a node can log
// in with IAM: the IAM policy for the role Kong runs as, and the SQL creating the
// rds_iam user with Kong's privileges.

interface PolicyOptions {
  readonly region: string;
  readonly account: string;
  readonly resourceId: string;
  readonly user: readonly string[];
  readonly database?: string;
  readonly schema?: string;
  readonly owner?: string;
  readonly format: 'text' | 'json';
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

export function register(program: Command, io: CliIo): void {
  program
    .command('policy')
    .description('Print the IAM policy and the SQL that let Kong log in to Amazon RDS with IAM as a dedicated user.')
    .requiredOption(
      '--region <region>',
      'AWS region of the database, e.g. us-east-1 (it also picks the partition: cn-* → aws-cn, us-gov-* → aws-us-gov)',
    )
    .requiredOption('--account <id>', '12-digit AWS account id that owns the database')
    .requiredOption(
      '--resource-id <id>',
      'the DbiResourceId (db-…; "Resource ID" in the RDS console), or cluster-… for Aurora; not the instance name',
    )
    .option(
      '--user <name>',
      'IAM database user Kong logs in as (repeat for several, e.g. a read-only user)',
      collect,
      [],
    )
    .option('--database <name>', "Kong's database (pg_database)", 'kong')
    .option('--schema <name>', "schema of Kong's tables (pg_schema)", 'public')
    .option('--owner <name>', "the password user that owns Kong's tables and runs migrations", 'kong')
    .addOption(
      new Option('--format <format>', 'text: policy then SQL, with comments; json: {"policy": {...}, "sql": "..."}')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
The user must be dedicated to IAM: a member of rds_iam can only log in with an IAM token,
so never grant rds_iam to the password user Kong uses today (rollback needs it).

Examples:
  iamroll policy --region us-east-1 --account 123456789012 --resource-id db-ABCDEFGHIJKLMN --user kong_iam
  iamroll policy --region eu-west-1 --account 123456789012 --resource-id db-ABCDEFGHIJKLMN --user kong_iam --user kong_ro_iam --format json`,
    )
    .action((options: PolicyOptions) => {
      const result = buildIamPolicy({
        region: options.region,
        accountId: options.account,
        resourceId: options.resourceId,
        users: options.user,
        ...(options.database === undefined ? {} : { database: options.database }),
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        ...(options.owner === undefined ? {} : { owner: options.owner }),
      });
      if (!result.ok) throw new CliError(`cannot build the policy:\n  ${result.errors.join('\n  ')}`, ExitCode.usage);
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify({ policy: result.policy, sql: result.sql }, null, 2)}\n`);
        return;
      }
      io.stdout(
        [
          "# IAM policy: attach it to the role Kong's nodes run as (instance profile, ECS task role, EKS service-account role),",
          '# or to the role in pg_iam_auth_assume_role_arn.',
          JSON.stringify(result.policy, null, 2),
          '',
          '# SQL: run on the database; the comments say who runs each part.',
          result.sql,
        ].join('\n'),
      );
    });
}

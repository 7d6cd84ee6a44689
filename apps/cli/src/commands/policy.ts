import { Option, type Command } from 'commander';
import { buildControllerPolicy, buildIamPolicy } from '@iamroll/core/config';
import { CliError, ExitCode, type CliIo } from '../io';

// `iamroll policy`: what must exist on the AWS and PostgreSQL side before a node can log
// in with IAM: the IAM policy for the role Kong runs as, and the SQL creating the
// rds_iam user with Kong's privileges.

interface PolicyOptions {
  readonly region?: string;
  readonly account?: string;
  readonly resourceId?: string;
  readonly controller?: boolean;
  readonly namespace?: string;
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
    .option(
      '--region <region>',
      'AWS region of the database, e.g. us-east-1 (it also picks the partition: cn-* → aws-cn, us-gov-* → aws-us-gov)',
    )
    .option('--account <id>', '12-digit AWS account id that owns the database')
    .option(
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
    .option(
      '--controller',
      "the iamroll controller's own policy instead (CloudWatch metrics and alarms, rds:DescribeDBInstances); --account and --region optional",
    )
    .option('--namespace <namespace>', 'with --controller: IAMROLL_CLOUDWATCH_NAMESPACE', 'Iamroll')
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
  iamroll policy --region eu-west-1 --account 123456789012 --resource-id db-ABCDEFGHIJKLMN --user kong_iam --user kong_ro_iam --format json
  iamroll policy --controller --account 123456789012 --region us-east-1`,
    )
    .action((options: PolicyOptions) => {
      if (options.controller) return printControllerPolicy(io, options);
      const { region, account, resourceId } = options;
      if (region === undefined || account === undefined || resourceId === undefined)
        throw new CliError('give --region, --account and --resource-id (or --controller).', ExitCode.usage);
      const result = buildIamPolicy({
        region,
        accountId: account,
        resourceId,
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

function printControllerPolicy(io: CliIo, options: PolicyOptions): void {
  const result = buildControllerPolicy({
    ...(options.account === undefined ? {} : { accountId: options.account }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  });
  if (!result.ok) throw new CliError(`cannot build the policy:\n  ${result.errors.join('\n  ')}`, ExitCode.usage);
  const json = JSON.stringify(result.policy, null, 2);
  io.stdout(
    options.format === 'json'
      ? `${json}\n`
      : `# IAM policy for the iamroll controller (IAMROLL_CLOUDWATCH_*): attach it to the role the controller runs as,\n# or to IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN.\n${json}\n`,
  );
}

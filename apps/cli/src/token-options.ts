import type { Command } from 'commander';
import type { TokenProvider, TokenTarget } from '@iamroll/core/token';
import { CliError, ExitCode } from './io';
import { parsePort } from './options';

// What `token` and `probe` share: the flags a token is signed for and how token failures are reported.

/** Flags shared by `token` and `probe`: what a token is signed for (Kong's pg_iam_auth_* settings). */
export interface TokenFlags {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly region?: string;
  readonly assumeRoleArn?: string;
  readonly roleSessionName?: string;
  readonly stsEndpointUrl?: string;
}

export function addTokenOptions(command: Command): Command {
  return command
    .requiredOption('--host <host>', 'RDS endpoint name, e.g. kong.abcdefghijkl.us-east-1.rds.amazonaws.com (pg_host)')
    .option('--port <port>', 'database port (pg_port)', parsePort, 5432)
    .requiredOption('--user <user>', 'database user granted rds_iam (pg_user)')
    .option(
      '--region <region>',
      'signing region; default: taken from --host as Kong does (needed for IPs and custom DNS names)',
    )
    .option('--assume-role-arn <arn>', 'assume this IAM role first (pg_iam_auth_assume_role_arn)')
    .option(
      '--role-session-name <name>',
      'session name of the assumed role (pg_iam_auth_role_session_name)',
      'KongPostgres',
    )
    .option('--sts-endpoint-url <url>', 'STS endpoint for AssumeRole (pg_iam_auth_sts_endpoint_url)');
}

export function tokenTarget(flags: TokenFlags, database?: string): TokenTarget {
  if (!flags.assumeRoleArn && flags.stsEndpointUrl) {
    throw new CliError('--sts-endpoint-url is only used with --assume-role-arn');
  }
  return {
    host: flags.host,
    port: flags.port,
    user: flags.user,
    ...(database !== undefined ? { database } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.assumeRoleArn
      ? {
          assumeRoleArn: flags.assumeRoleArn,
          roleSessionName: flags.roleSessionName,
          ...(flags.stsEndpointUrl ? { stsEndpointUrl: flags.stsEndpointUrl } : {}),
        }
      : {}),
  };
}

/** By name, so this module need not load the AWS SDK to recognise one. */
export function isTokenError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'TokenError';
}

/** The AWS SDK loads only when a command needs a token: `iamroll lint` stays fast. */
export async function defaultTokenProvider(): Promise<TokenProvider> {
  const { createIamTokenProvider } = await import('@iamroll/core/token');
  return createIamTokenProvider();
}

/** Token failures are the operator's to fix (credentials, region, role): exit 2 with the reason. */
export function tokenCliError(error: unknown): Error {
  if (isTokenError(error)) return new CliError(`cannot create an IAM token: ${error.message}`, ExitCode.usage);
  return error instanceof Error ? error : new Error(String(error));
}

import type { RDSClient } from '@aws-sdk/client-rds';

// Per database (issue 12): does the RDS instance have IAM database authentication enabled, and
// what are its DbiResourceId (the rds-db:connect policy names it), endpoint and account. Expected
// failures are values, never exceptions: the caller stores whatever comes back.

export type IamCheckStatus = 'ok' | 'iam_disabled' | 'not_found' | 'error' | 'unchecked';

export interface IamCheckRecord {
  readonly status: IamCheckStatus;
  readonly checkedAt: Date;
  readonly message: string;
  readonly fix: string;
  readonly iamEnabled: boolean | null;
  readonly dbiResourceId: string | null;
  readonly endpointAddress: string | null;
  readonly endpointPort: number | null;
  readonly accountId: string | null;
}

export interface DescribeTarget {
  readonly identifier: string;
  readonly region: string;
}

const empty = { iamEnabled: null, dbiResourceId: null, endpointAddress: null, endpointPort: null, accountId: null };

/** `aws rds modify-db-instance` turning IAM database authentication on (what the operator runs). */
export function enableIamCommand(target: DescribeTarget): string {
  return `aws rds modify-db-instance --db-instance-identifier ${target.identifier} --enable-iam-database-authentication --apply-immediately --region ${target.region}`;
}

const CONTROLLER_POLICY_HINT =
  'Give the controller rds:DescribeDBInstances on this instance: `iamroll policy --controller` prints the policy.';

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  return [name, Code, code].find((value): value is string => typeof value === 'string') ?? '';
}

/** An SDK failure as a stored verdict: what went wrong and what to do. Never the credentials. */
export function classifyDescribeError(error: unknown, target: DescribeTarget, checkedAt: Date): IamCheckRecord {
  const name = errorName(error);
  const detail = error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
  const result = (status: IamCheckStatus, message: string, fix: string): IamCheckRecord => ({
    status,
    checkedAt,
    message,
    fix,
    ...empty,
  });
  if (name === 'DBInstanceNotFoundFault' || name === 'DBInstanceNotFound')
    return result(
      'not_found',
      `RDS has no DB instance ${target.identifier} in ${target.region}.`,
      `Check the database's identifier and region (they must be the RDS DB instance identifier and its region), or the account the controller's credentials belong to.`,
    );
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(detail))
    return result(
      'unchecked',
      'No AWS credentials: the controller cannot ask RDS whether IAM database authentication is enabled.',
      `Give the controller AWS credentials (instance role, task role, web identity or AWS_PROFILE), optionally IAMROLL_RDS_ASSUME_ROLE_ARN. ${CONTROLLER_POLICY_HINT}`,
    );
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || /not authorized/i.test(detail))
    return result(
      'error',
      `RDS refused DescribeDBInstances for ${target.identifier}: access denied (${name || 'AccessDenied'}).`,
      CONTROLLER_POLICY_HINT,
    );
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name))
    return result(
      'error',
      `RDS throttled DescribeDBInstances for ${target.identifier} (${name}); the next check tries again.`,
      'Nothing to do if it passes on the next check; otherwise raise IAMROLL_RDS_CHECK_INTERVAL_SECONDS.',
    );
  if (/InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient/i.test(name))
    return result(
      'error',
      `RDS rejected the controller's AWS credentials (${name}).`,
      "Renew or fix the controller's credentials (expired session, wrong secret key, wrong partition).",
    );
  if (
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|TimeoutError|socket hang up|NetworkingError/i.test(
      `${name} ${detail}`,
    )
  )
    return result(
      'error',
      `RDS API unreachable for ${target.region}: ${detail}`,
      'Let the controller reach rds.<region>.amazonaws.com over HTTPS (a NAT gateway or an RDS interface VPC endpoint, then AWS_ENDPOINT_URL_RDS).',
    );
  return result(
    'error',
    `DescribeDBInstances failed for ${target.identifier}: ${name ? `${name}: ` : ''}${detail}`,
    CONTROLLER_POLICY_HINT,
  );
}

/** `arn:aws:rds:us-east-1:123456789012:db:name` → `123456789012`. */
function accountOf(arn: string | undefined): string | null {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : null;
}

export async function describeDatabaseIam(
  clientOf: RDSClient | Promise<RDSClient>,
  target: DescribeTarget,
  nowMs: () => number,
): Promise<IamCheckRecord> {
  let instance;
  try {
    // Loaded with the client (rds-clients.ts): the module is large and only checks need it.
    const [client, { DescribeDBInstancesCommand }] = await Promise.all([clientOf, import('@aws-sdk/client-rds')]);
    const output = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target.identifier }));
    instance = output.DBInstances?.[0];
  } catch (error) {
    return classifyDescribeError(error, target, new Date(nowMs()));
  }
  const checkedAt = new Date(nowMs());
  if (instance === undefined) return classifyDescribeError({ name: 'DBInstanceNotFound' }, target, checkedAt);
  const facts = {
    iamEnabled: instance.IAMDatabaseAuthenticationEnabled ?? false,
    dbiResourceId: instance.DbiResourceId ?? null,
    endpointAddress: instance.Endpoint?.Address ?? null,
    endpointPort: instance.Endpoint?.Port ?? null,
    accountId: accountOf(instance.DBInstanceArn),
  };
  if (!facts.iamEnabled)
    return {
      status: 'iam_disabled',
      checkedAt,
      message: `IAM database authentication is disabled on ${target.identifier}: every IAM login would fail (PAM authentication failed), so no node targeting it may switch.`,
      fix: enableIamCommand(target),
      ...facts,
    };
  return {
    status: 'ok',
    checkedAt,
    message: `IAM database authentication is enabled on ${target.identifier} (${facts.dbiResourceId ?? 'no resource id'}).`,
    fix: '',
    ...facts,
  };
}

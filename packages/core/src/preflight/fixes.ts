import { quoteIdentifier, rdsDbUserArn } from '../config/index';
import { RDS_CA_BUNDLE_URL } from './trusted-ca';

// The exact fix text of each failure: SQL with quoted identifiers, policy documents as JSON.

export interface PolicyContext {
  readonly user: string;
  readonly host: string;
  readonly region: string;
  readonly accountId: string | undefined;
  readonly resourceId: string | undefined;
  readonly assumeRoleArn: string | null;
}

/** The rds-db:connect policy for one user, in the shape of core's policy generator (buildIamPolicy). */
export function connectPolicy(context: PolicyContext): string {
  const arn = rdsDbUserArn(
    {
      region: context.region,
      accountId: context.accountId ?? '<account-id>',
      resourceId: context.resourceId ?? '<DbiResourceId>',
    },
    context.user,
  );
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'KongRdsIamConnect', Effect: 'Allow', Action: 'rds-db:connect', Resource: [arn] }],
  };
  return JSON.stringify(policy, null, 2);
}

/** RDS answers every refused token with the same PAM failure: the causes, most likely first. */
export function pamFailureFix(context: PolicyContext, nowIso: string): string {
  const principal = context.assumeRoleArn ? `the assumed role ${context.assumeRoleArn}` : "the node's IAM principal";
  const placeholders =
    context.resourceId === undefined ? ' (the DbiResourceId is the instance\'s "Resource ID" db-…, not its name)' : '';
  return [
    `1. ${principal} lacks rds-db:connect for ${context.user}: attach this policy${placeholders}:`,
    connectPolicy(context),
    `2. The token was signed for region ${context.region}, which Kong derives from the host ${context.host}: if the instance is in another region, pg_host is not its endpoint name (use the instance endpoint <name>.<id>.<region>.rds.amazonaws.com).`,
    '3. IAM database authentication is disabled on the instance: enable it (modify-db-instance --enable-iam-database-authentication).',
    `4. The node's clock is off: the token is dated ${nowIso} and RDS refuses tokens dated more than 5 minutes away from its time; sync the clock (NTP / chrony).`,
  ].join('\n');
}

export function tlsFix(caDescription: string, isVerifying: boolean): string {
  if (!isVerifying) return 'Check pg_ssl_version and that the server speaks TLS 1.2 (RDS does not support TLS 1.3).';
  return `The server certificate did not verify against ${caDescription}: download the Amazon RDS CA bundle (${RDS_CA_BUNDLE_URL}) and set lua_ssl_trusted_certificate = system,/path/to/global-bundle.pem (Kong verifies against that list when pg_ssl_verify is on); pg_host must be the name the certificate carries (the RDS endpoint, not an IP or CNAME).`;
}

export function grantRdsIam(user: string): string {
  return `GRANT rds_iam TO ${quoteIdentifier(user)};`;
}

export const q = quoteIdentifier;

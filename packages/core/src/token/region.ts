import { TokenError } from './errors';

// Kong takes the signing region from the database hostname, never from AWS_REGION:
// `<name>.<id>.<region>.rds.<partition suffix>` (instances, clusters, proxies alike).
// AWS says a custom DNS name (e.g. a Route 53 CNAME) cannot be used to sign a token.
// NOTE: packages/core/src/config carries the same rule for lint; to be deduplicated.

const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+`;
/** DNS suffixes of the AWS partitions: aws and aws-us-gov, aws-cn, and the iso partitions. */
const PARTITION_SUFFIXES = ['amazonaws.com', 'amazonaws.com.cn', 'c2s.ic.gov', 'sc2s.sgov.gov', 'cloud.adc-e.uk', 'csp.hci.ic.gov'];
const RDS_HOST = new RegExp(
  String.raw`^(?:[a-z0-9-]+\.)+(${REGION})\.rds\.(?:${PARTITION_SUFFIXES.map((s) => s.replaceAll('.', String.raw`\.`)).join('|')})$`,
);
const REGION_ONLY = new RegExp(`^${REGION}$`);

/** The region an RDS endpoint name signs in, or undefined for IPs and custom names. */
export function regionFromRdsHost(host: string): string | undefined {
  const normalized = host.trim().toLowerCase().replace(/\.$/, '');
  return RDS_HOST.exec(normalized)?.[1];
}

/**
 * The SigV4 region for a token: the explicit one when given (checked for shape),
 * else the one in the RDS hostname. Throws a TokenError naming the host and the fix.
 */
export function resolveSigningRegion(host: string, explicitRegion?: string): string {
  if (explicitRegion !== undefined && explicitRegion !== '') {
    const region = explicitRegion.trim().toLowerCase();
    if (!REGION_ONLY.test(region)) {
      throw new TokenError('region', `"${explicitRegion}" is not an AWS region name (expected e.g. us-east-1)`);
    }
    return region;
  }
  const region = regionFromRdsHost(host);
  if (region === undefined) {
    throw new TokenError(
      'region',
      `cannot take the AWS region from the database host "${host}": IAM tokens are signed for ` +
        `an RDS endpoint name such as <instance>.<id>.<region>.rds.amazonaws.com (Kong fails here with ` +
        `"extract region from db endpoint failed"). Use the RDS endpoint name, or pass the region explicitly (--region).`,
    );
  }
  return region;
}

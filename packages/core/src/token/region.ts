import { isAwsRegionName, rdsRegionByAwsNaming } from '../config/region';
import { TokenError } from './errors';

// Kong takes the signing region from the database hostname, never from AWS_REGION.
// The naming rule itself lives in config/region.ts beside Kong's narrower patterns.

/** The region an RDS endpoint name signs in, or undefined for IPs and custom names. */
export function regionFromRdsHost(host: string): string | undefined {
  return rdsRegionByAwsNaming(host) ?? undefined;
}

/**
 * The SigV4 region for a token: the explicit one when given (checked for shape),
 * else the one in the RDS hostname. Throws a TokenError naming the host and the fix.
 */
export function resolveSigningRegion(host: string, explicitRegion?: string): string {
  if (explicitRegion !== undefined && explicitRegion !== '') {
    const region = explicitRegion.trim().toLowerCase();
    if (!isAwsRegionName(region)) {
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

import { isAwsRegionName, signingRegion, type RegionProblem } from '../config/region';
import { TokenError } from './errors';

// Kong takes the signing region from the database hostname, never from AWS_REGION. Our
// tokens follow the same rule (config/region.ts signingRegion), so `iamroll token` signs
// exactly where Kong would and refuses exactly where Kong fails.

/** The region Kong signs for at `host`, or undefined where Kong finds none. */
export function regionFromRdsHost(host: string): string | undefined {
  const verdict = signingRegion(host);
  return verdict.ok ? verdict.region : undefined;
}

const KONG_FAILS = 'Kong fails here with "extract region from db endpoint failed"';

function whyNoRegion(host: string, problem: RegionProblem, awsRegion: string | null): string {
  switch (problem) {
    case 'ip-address':
      return `"${host}" is an IP address; IAM tokens are signed for an RDS endpoint name such as <instance>.<id>.<region>.rds.amazonaws.com (${KONG_FAILS})`;
    case 'upper-case':
      return `"${host}" is an RDS endpoint in ${awsRegion}, but Kong matches the region case-sensitively and finds none (${KONG_FAILS}); write the host in lower case`;
    case 'china-endpoint-form':
      return `"${host}" is an RDS endpoint in ${awsRegion} in China's form, which Kong's patterns miss (${KONG_FAILS})`;
    case 'region-unknown-to-kong':
      return `"${host}" is an RDS endpoint in ${awsRegion}, a region Kong's patterns do not know (${KONG_FAILS})`;
    case 'not-an-rds-endpoint':
      return `"${host}" is not an RDS endpoint name (a custom DNS name or CNAME?); IAM tokens are signed for a name such as <instance>.<id>.<region>.rds.amazonaws.com (${KONG_FAILS})`;
  }
}

/**
 * The SigV4 region for a token: the explicit one when given (checked for shape; for
 * tunnels, the simulator and tests), else the one Kong derives from the host. Throws a
 * TokenError naming the host, why Kong finds no region, and the fix.
 */
export function resolveSigningRegion(host: string, explicitRegion?: string): string {
  if (explicitRegion !== undefined && explicitRegion !== '') {
    const region = explicitRegion.trim().toLowerCase();
    if (!isAwsRegionName(region)) {
      throw new TokenError('region', `"${explicitRegion}" is not an AWS region name (expected e.g. us-east-1)`);
    }
    return region;
  }
  const verdict = signingRegion(host);
  if (verdict.ok) return verdict.region;
  const hint = verdict.awsRegion ? ` (--region ${verdict.awsRegion})` : ' (--region)';
  throw new TokenError(
    'region',
    `cannot take the AWS region from the database host: ${whyNoRegion(host, verdict.problem, verdict.awsRegion)}. Use the RDS endpoint name, or pass the region explicitly${hint} to sign anyway.`,
  );
}

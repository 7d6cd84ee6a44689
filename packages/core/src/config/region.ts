// How Kong finds the signing region for an IAM token: it never reads AWS_REGION, it
// matches the database host against these patterns (kong/db/strategies/postgres/
// iam_token_handler.lua, `regionRegexes`, copied from aws-sdk-js region_config). They are
// unanchored and case-sensitive, and the commercial pattern only knows the prefixes
// us|eu|ap|sa|ca|me: a host in af-south-1, il-central-1 or mx-central-1 finds no region.
// No match makes every IAM login fail with
// "cannot fetch IAM token because extract region from db endpoint failed".
//
// One rule everywhere: lint, token, probe and preflight all sign for the region Kong itself
// derives (signingRegion). AWS's own naming (rdsRegionByAwsNaming) is used only to explain
// why Kong finds none for a host that is in fact an RDS endpoint.

const KONG_REGION_PATTERNS: readonly RegExp[] = [
  /((?:us|eu|ap|sa|ca|me)-\w+-\d+)\.rds\.amazonaws\.com/,
  /(cn-\w+-\d+)\.rds\.amazonaws\.com\.cn/,
  /(us-gov-\w+-\d+)\.rds\.amazonaws\.com/,
  /(us-iso-\w+-\d+)\.rds\.c2s\.ic\.gov/,
  /(us-isob-\w+-\d+)\.rds\.sc2s\.sgov\.gov/,
];

/** The region Kong signs IAM tokens for when connecting to `host`, or null when Kong finds none. */
export function kongSigningRegion(host: string | null): string | null {
  if (host === null) return null;
  for (const pattern of KONG_REGION_PATTERNS) {
    const region = pattern.exec(host)?.[1];
    if (region !== undefined) return region;
  }
  return null;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function isIpAddress(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

/** DNS suffixes of the AWS partitions: aws and aws-us-gov, aws-cn, and the iso partitions. */
const PARTITION_SUFFIXES = [
  'amazonaws.com',
  'amazonaws.com.cn',
  'c2s.ic.gov',
  'sc2s.sgov.gov',
  'cloud.adc-e.uk',
  'csp.hci.ic.gov',
];
/** An AWS region name such as us-east-1, cn-north-1 or us-gov-west-1. */
const REGION_NAME = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+`;
const REGION_NAME_ONLY = new RegExp(`^${REGION_NAME}$`);

export function isAwsRegionName(text: string): boolean {
  return REGION_NAME_ONLY.test(text);
}

const ANY_RDS_REGION = new RegExp(
  String.raw`^(?:[a-z0-9-]+\.)+(${REGION_NAME})\.rds\.(?:` +
    PARTITION_SUFFIXES.map((suffix) => suffix.replaceAll('.', String.raw`\.`)).join('|') +
    ')$',
);
/** China's endpoints put the region after `rds`: `<name>.<id>.rds.cn-north-1.amazonaws.com.cn`. */
const CHINA_RDS_REGION = new RegExp(String.raw`^(?:[a-z0-9-]+\.)+rds\.(cn-[a-z]+-\d+)\.amazonaws\.com\.cn$`);

/**
 * The region an RDS endpoint name carries by AWS's own naming
 * (`<name>.<id>.<region>.rds.<partition suffix>`), even where Kong's patterns miss it
 * (unknown region prefix, upper case, trailing dot). Null for IPs and custom DNS names,
 * which AWS says cannot be used to sign a token. iamroll's own signer uses this rule.
 */
export function rdsRegionByAwsNaming(host: string): string | null {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return ANY_RDS_REGION.exec(name)?.[1] ?? CHINA_RDS_REGION.exec(name)?.[1] ?? null;
}

/** Why Kong finds no signing region for a host. */
export type RegionProblem =
  'ip-address' | 'upper-case' | 'china-endpoint-form' | 'region-unknown-to-kong' | 'not-an-rds-endpoint';

export type RegionVerdict =
  | { readonly ok: true; readonly region: string }
  | { readonly ok: false; readonly problem: RegionProblem; readonly awsRegion: string | null };

/** Kong Gateway releases whose iam_token_handler.lua carries the patterns above, as far as known. */
export const KONG_REGION_PATTERN_RELEASES = 'Kong Gateway 3.3 and later (no release is known to have changed them)';

/**
 * The one signing-region rule: the region Kong derives from `host` (its own unanchored
 * patterns, so Kong's test host `test_database.test_cluster.us-east-1.rds.amazonaws.com`
 * signs for us-east-1), or why it finds none, with the region AWS naming would give.
 */
export function signingRegion(host: string): RegionVerdict {
  const region = kongSigningRegion(host);
  if (region !== null) return { ok: true, region };
  const awsRegion = rdsRegionByAwsNaming(host);
  if (isIpAddress(host.trim())) return { ok: false, problem: 'ip-address', awsRegion: null };
  if (awsRegion !== null && host !== host.toLowerCase()) return { ok: false, problem: 'upper-case', awsRegion };
  if (awsRegion !== null && CHINA_RDS_REGION.test(host.trim().replace(/\.$/, ''))) {
    return { ok: false, problem: 'china-endpoint-form', awsRegion };
  }
  if (awsRegion !== null) return { ok: false, problem: 'region-unknown-to-kong', awsRegion };
  return { ok: false, problem: 'not-an-rds-endpoint', awsRegion: null };
}

/** The AWS partition of a region name: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

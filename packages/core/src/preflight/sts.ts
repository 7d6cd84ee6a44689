import { describeError } from '../token/errors';
import { fromTokenFile } from '@aws-sdk/credential-providers';
import { DEFAULT_ROLE_SESSION_NAME, assumeRoleProvider, type AwsCredentialIdentity } from '../token/index';
import { keyHint, type Env, type WebIdentitySettings } from './credentials';

// STS as Kong's credential chain reaches it. Web identity (EKS) exchanges the service-account
// token with AssumeRoleWithWebIdentity; an assume-role ARN calls AssumeRole with the base
// credentials. The endpoint: Kong's pg_iam_auth_sts_endpoint_url when set, else
// AWS_ENDPOINT_URL_STS (the SDK's and lua-resty-aws's override), else the regional endpoint
// of the signing region. Kong's lua-resty-aws uses the regional endpoint only with
// AWS_STS_REGIONAL_ENDPOINTS=regional (the SDK v3 always does): without it, Kong calls the
// global sts.amazonaws.com, which a VPC without internet access cannot reach.

export interface StsOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly fix: string;
  readonly identity?: AwsCredentialIdentity;
}

export function stsEndpoint(env: Env, stsEndpointUrl: string | null): { url: string | undefined; from: string } {
  if (stsEndpointUrl) return { url: stsEndpointUrl, from: 'pg_iam_auth_sts_endpoint_url' };
  const fromEnv = env.AWS_ENDPOINT_URL_STS?.trim();
  if (fromEnv) return { url: fromEnv, from: 'AWS_ENDPOINT_URL_STS' };
  return { url: undefined, from: 'the regional STS endpoint' };
}

function where(endpoint: { url: string | undefined; from: string }, region: string): string {
  return endpoint.url ? `${endpoint.url} (${endpoint.from})` : `sts.${region}.amazonaws.com (${endpoint.from})`;
}

export async function checkWebIdentity(
  settings: WebIdentitySettings,
  env: Env,
  region: string,
  stsEndpointUrl: string | null,
): Promise<StsOutcome> {
  const endpoint = stsEndpoint(env, stsEndpointUrl);
  // Checked first, without a call: the endpoint Kong would call is not the one the SDK would.
  const regional = env.AWS_STS_REGIONAL_ENDPOINTS?.trim().toLowerCase();
  if (regional !== 'regional' && !endpoint.url) {
    return {
      ok: false,
      message: `AWS_STS_REGIONAL_ENDPOINTS is ${regional ? `"${regional}"` : 'not set'} and no STS endpoint is configured: Kong exchanges the web identity token at the global sts.amazonaws.com, not sts.${region}.amazonaws.com (unreachable from a VPC without internet access, and not the regional STS AWS recommends)`,
      fix: `Set AWS_STS_REGIONAL_ENDPOINTS=regional in Kong's environment (the EKS pod identity webhook sets it when configured to), or set AWS_ENDPOINT_URL_STS to the STS endpoint Kong must use.`,
    };
  }
  let identity: AwsCredentialIdentity;
  try {
    identity = await fromTokenFile({
      webIdentityTokenFile: settings.tokenFile,
      roleArn: settings.roleArn,
      roleSessionName: settings.sessionName ?? `iamroll-preflight`,
      clientConfig: { region, maxAttempts: 1, ...(endpoint.url ? { endpoint: endpoint.url } : {}) },
    })();
  } catch (error) {
    return {
      ok: false,
      message: `STS AssumeRoleWithWebIdentity of ${settings.roleArn} at ${where(endpoint, region)} failed: ${describeError(error)}`,
      fix:
        `Let the node reach STS at ${where(endpoint, region)} (security groups, a VPC endpoint for sts, proxies), ` +
        `or point Kong at a reachable one with AWS_ENDPOINT_URL_STS (or pg_iam_auth_sts_endpoint_url); ` +
        `check the role's trust policy allows sts:AssumeRoleWithWebIdentity for this service account (the OIDC provider of the cluster).`,
    };
  }
  return {
    ok: true,
    identity,
    message: `STS at ${where(endpoint, region)} exchanged the web identity token for role ${settings.roleArn} (${keyHint(identity)})${regional === 'regional' ? '; AWS_STS_REGIONAL_ENDPOINTS=regional' : ''}`,
    fix: '',
  };
}

function accountOf(roleArn: string): string {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '<account-id>';
}

/** The two documents AssumeRole needs: the target role's trust policy and the caller's permission. */
export function assumeRoleFix(roleArn: string): string {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountOf(roleArn)}:role/<the node's own role>` },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  const permission = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
  };
  return [
    `1. The trust policy of ${roleArn} must let the node's principal assume it (replace the principal with the node's role or user ARN):`,
    JSON.stringify(trust, null, 2),
    `2. The node's own role or user needs this permission:`,
    JSON.stringify(permission, null, 2),
    'Also check the ARN itself: arn:aws:iam::<12-digit account>:role/<name>, the role exists, and the session name matches [\\w+=,.@-]{2,64}.',
  ].join('\n');
}

export async function checkAssumeRole(
  base: AwsCredentialIdentity,
  roleArn: string,
  sessionName: string | null,
  env: Env,
  region: string,
  stsEndpointUrl: string | null,
  now: () => number,
): Promise<StsOutcome> {
  const endpoint = stsEndpoint(env, stsEndpointUrl);
  const session = sessionName ?? DEFAULT_ROLE_SESSION_NAME;
  try {
    const identity = await assumeRoleProvider(
      { roleArn, sessionName: session, stsRegion: region, ...(endpoint.url ? { stsEndpointUrl: endpoint.url } : {}) },
      base,
      now,
    )();
    return {
      ok: true,
      identity,
      message: `AssumeRole of ${roleArn} as session ${session} at ${where(endpoint, region)} succeeded (${keyHint(identity)})`,
      fix: '',
    };
  } catch (error) {
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    const text = `${name}${describeError(error)}`;
    const isDenied = /AccessDenied|not authorized/i.test(text);
    return {
      ok: false,
      message: `AssumeRole of ${roleArn} as session ${session} at ${where(endpoint, region)} failed: ${text}`,
      fix: isDenied
        ? assumeRoleFix(roleArn)
        : `Let the node reach STS at ${where(endpoint, region)}, or set pg_iam_auth_sts_endpoint_url to a reachable STS endpoint (a VPC endpoint).`,
    };
  }
}

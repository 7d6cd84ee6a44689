import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { memoize } from '@smithy/property-provider';

// Named from the SDK functions so core depends on no transitive type package.
export type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>;
export type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

/** Kong's default for pg_iam_auth_role_session_name. */
export const DEFAULT_ROLE_SESSION_NAME = 'KongPostgres';
/**
 * Long enough that signing never needs STS per token: the SDK's Signer refreshes
 * credentials that expire within 15 minutes, and a token lives 15 minutes.
 */
export const DEFAULT_ASSUME_ROLE_DURATION_SECONDS = 3600;
/** Assumed credentials are replaced this long before they expire. */
export const DEFAULT_CREDENTIAL_REFRESH_AHEAD_SECONDS = 900;

export interface AssumeRoleSettings {
  readonly roleArn: string;
  readonly sessionName?: string;
  /** Kong's pg_iam_auth_sts_endpoint_url: a regional or VPC-endpoint STS URL. */
  readonly stsEndpointUrl?: string;
  /** Region of the STS client (the signing region unless set). */
  readonly stsRegion: string;
  readonly durationSeconds?: number;
}

export type CredentialSource = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/** The AWS SDK default chain: env, shared files, web identity (EKS), ECS, EC2. */
export function defaultCredentialProvider(): AwsCredentialIdentityProvider {
  return fromNodeProviderChain();
}

/**
 * Credentials of an assumed role, cached: one STS AssumeRole call per session,
 * renewed `refreshAheadSeconds` before expiry. `fromTemporaryCredentials` alone
 * calls STS on every use.
 */
export function assumeRoleProvider(
  settings: AssumeRoleSettings,
  masterCredentials: CredentialSource,
  now: () => number,
  refreshAheadSeconds = DEFAULT_CREDENTIAL_REFRESH_AHEAD_SECONDS,
): AwsCredentialIdentityProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: settings.roleArn,
      RoleSessionName: settings.sessionName ?? DEFAULT_ROLE_SESSION_NAME,
      DurationSeconds: settings.durationSeconds ?? DEFAULT_ASSUME_ROLE_DURATION_SECONDS,
    },
    masterCredentials,
    clientConfig: {
      region: settings.stsRegion,
      ...(settings.stsEndpointUrl ? { endpoint: settings.stsEndpointUrl } : {}),
    },
  });
  // A session shorter than the refresh window (STS may grant less than asked)
  // would otherwise be refreshed on every use: refresh in its last quarter then.
  const lifetimeAtFetchMs = new WeakMap<AwsCredentialIdentity, number>();
  const recorded: AwsCredentialIdentityProvider = async (properties) => {
    const credentials = await provider(properties);
    if (credentials.expiration) lifetimeAtFetchMs.set(credentials, credentials.expiration.getTime() - now());
    return credentials;
  };
  const refreshAheadMs = refreshAheadSeconds * 1000;
  return memoize(
    recorded,
    (credentials) => {
      if (credentials.expiration === undefined) return false;
      const lifetimeMs = lifetimeAtFetchMs.get(credentials) ?? Infinity;
      return credentials.expiration.getTime() - now() < Math.min(refreshAheadMs, lifetimeMs / 4);
    },
    (credentials) => credentials.expiration !== undefined,
  );
}

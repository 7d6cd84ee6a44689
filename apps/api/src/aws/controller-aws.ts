import {
  assumeRoleProvider,
  defaultCredentialProvider,
  type AwsCredentialIdentityProvider,
  type CredentialSource,
} from '@iamroll/core/token';

// What every AWS client of the controller shares (CloudWatch, RDS): one credential provider — the
// default chain, or core/token's memoized AssumeRole on top of it, so STS is called once per
// session whatever the number of regions and services — and the same timeouts and retries.

export interface ControllerAwsOptions {
  /** The service's AWS_ENDPOINT_URL_<SERVICE> (read by config.ts): every region's client goes there. */
  readonly endpointUrl?: string | undefined;
  /** Assumed (memoized) on top of the default chain. */
  readonly assumeRoleArn?: string | undefined;
  /** Default: the AWS SDK default chain, as the token provider uses. Tests pass static credentials. */
  readonly credentials?: CredentialSource;
  readonly nowMs?: () => number;
}

const ROLE_SESSION_NAME = 'iamroll-controller';
/** Our own retries are the backoff: the SDK's adaptive retries would hide throttling for seconds per call. */
const SDK_MAX_ATTEMPTS = 2;
const REQUEST_TIMEOUT_MS = 10_000;

/** The client configuration for one region. */
export function controllerAwsConfig(options: ControllerAwsOptions = {}) {
  const nowMs = options.nowMs ?? Date.now;
  const base = options.credentials ?? defaultCredentialProvider();
  let assumed: AwsCredentialIdentityProvider | undefined;

  const credentialsFor = (region: string): CredentialSource => {
    if (!options.assumeRoleArn) return base;
    // STS in the first region asked for; one cached session serves every region's client.
    assumed ??= assumeRoleProvider(
      { roleArn: options.assumeRoleArn, sessionName: ROLE_SESSION_NAME, stsRegion: region },
      base,
      nowMs,
    );
    return assumed;
  };

  return (region: string) => ({
    region,
    credentials: credentialsFor(region),
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
}

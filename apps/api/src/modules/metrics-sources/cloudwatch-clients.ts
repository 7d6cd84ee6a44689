import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  assumeRoleProvider,
  defaultCredentialProvider,
  type AwsCredentialIdentityProvider,
  type CredentialSource,
} from '@iamroll/core/token';

export interface CloudWatchClientsOptions {
  /** AWS_ENDPOINT_URL_CLOUDWATCH (read by config.ts): every region's client goes there. */
  readonly endpointUrl?: string | undefined;
  readonly assumeRoleArn?: string | undefined;
  /** Default: the AWS SDK default chain, as the token provider uses. Tests pass static credentials. */
  readonly credentials?: CredentialSource;
  readonly nowMs?: () => number;
}

const ROLE_SESSION_NAME = 'iamroll-controller';
/** Our own retries are the backoff: the SDK's adaptive retries would hide throttling for seconds per call. */
const SDK_MAX_ATTEMPTS = 2;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * One CloudWatch client per region (metrics live in the database's region), all
 * sharing one credential provider: the default chain, or a memoized AssumeRole on top
 * of it (core/token's, the same the IAM token provider uses), so STS is called once per
 * session whatever the number of regions.
 */
export function createCloudWatchClients(options: CloudWatchClientsOptions = {}) {
  const nowMs = options.nowMs ?? Date.now;
  const base = options.credentials ?? defaultCredentialProvider();
  const byRegion = new Map<string, CloudWatchClient>();
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

  return {
    forRegion(region: string): CloudWatchClient {
      let client = byRegion.get(region);
      if (!client) {
        client = new CloudWatchClient({
          region,
          credentials: credentialsFor(region),
          maxAttempts: SDK_MAX_ATTEMPTS,
          requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
          ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
        });
        byRegion.set(region, client);
      }
      return client;
    },
    destroy(): void {
      for (const client of byRegion.values()) client.destroy();
      byRegion.clear();
    },
  };
}

export type CloudWatchClients = ReturnType<typeof createCloudWatchClients>;

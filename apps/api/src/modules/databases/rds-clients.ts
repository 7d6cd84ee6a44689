import type { RDSClient } from '@aws-sdk/client-rds';
import {
  assumeRoleProvider,
  defaultCredentialProvider,
  type AwsCredentialIdentityProvider,
  type CredentialSource,
} from '@iamroll/core/token';

export interface RdsClientsOptions {
  /**
   * AWS_ENDPOINT_URL_RDS (read by config.ts): every region's client goes there. The SDK also reads
   * that variable itself when no endpoint is passed; passing it keeps config.ts the one reader.
   */
  readonly endpointUrl?: string | undefined;
  /** IAMROLL_RDS_ASSUME_ROLE_ARN: assumed (memoized) on top of the default chain. */
  readonly assumeRoleArn?: string | undefined;
  /** Default: the AWS SDK default chain. Tests pass static credentials. */
  readonly credentials?: CredentialSource;
  readonly nowMs?: () => number;
}

const ROLE_SESSION_NAME = 'iamroll-controller';
/** One retry: a check runs every few minutes, and a throttled one simply waits for the next. */
const SDK_MAX_ATTEMPTS = 2;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * One RDS client per region (DescribeDBInstances is regional: a database is described in its
 * own region), all sharing one credential provider, as modules/metrics-sources/cloudwatch-clients.ts
 * does for CloudWatch: the default chain, or core/token's memoized AssumeRole on top of it.
 */
export function createRdsClients(options: RdsClientsOptions = {}) {
  const nowMs = options.nowMs ?? Date.now;
  const base = options.credentials ?? defaultCredentialProvider();
  const byRegion = new Map<string, Promise<RDSClient>>();
  let assumed: AwsCredentialIdentityProvider | undefined;

  const credentialsFor = (region: string): CredentialSource => {
    if (!options.assumeRoleArn) return base;
    assumed ??= assumeRoleProvider(
      { roleArn: options.assumeRoleArn, sessionName: ROLE_SESSION_NAME, stsRegion: region },
      base,
      nowMs,
    );
    return assumed;
  };

  return {
    /** Loaded on first use: the RDS client is a large module (~0.5 s to import), needed only when checks run. */
    forRegion(region: string): Promise<RDSClient> {
      let client = byRegion.get(region);
      if (!client) {
        client = import('@aws-sdk/client-rds').then(
          ({ RDSClient: Client }) =>
            new Client({
              region,
              credentials: credentialsFor(region),
              maxAttempts: SDK_MAX_ATTEMPTS,
              requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
              ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
            }),
        );
        byRegion.set(region, client);
      }
      return client;
    },
    destroy(): void {
      for (const client of byRegion.values()) void client.then((c) => c.destroy());
      byRegion.clear();
    },
  };
}

export type RdsClients = ReturnType<typeof createRdsClients>;

import type { RDSClient } from '@aws-sdk/client-rds';
import { controllerAwsConfig, type ControllerAwsOptions } from '../../aws/controller-aws';

/**
 * `endpointUrl`: AWS_ENDPOINT_URL_RDS (the SDK also reads it itself when no endpoint is passed;
 * passing it keeps config.ts the one reader); `assumeRoleArn`: IAMROLL_RDS_ASSUME_ROLE_ARN.
 */
export type RdsClientsOptions = ControllerAwsOptions;

/**
 * One RDS client per region (DescribeDBInstances is regional: a database is described in its own
 * region), sharing one credential provider with the same rules as CloudWatch's (aws/controller-aws.ts).
 * A check runs every few minutes: a throttled one simply waits for the next.
 */
export function createRdsClients(options: RdsClientsOptions = {}) {
  const configFor = controllerAwsConfig(options);
  const byRegion = new Map<string, Promise<RDSClient>>();
  return {
    /** Loaded on first use: the RDS client is a large module (~0.5 s to import), needed only when checks run. */
    forRegion(region: string): Promise<RDSClient> {
      let client = byRegion.get(region);
      if (!client) {
        client = import('@aws-sdk/client-rds').then(({ RDSClient: Client }) => new Client(configFor(region)));
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

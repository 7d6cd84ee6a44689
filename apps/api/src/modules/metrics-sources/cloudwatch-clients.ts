import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { controllerAwsConfig, type ControllerAwsOptions } from '../../aws/controller-aws';

/** `endpointUrl`: AWS_ENDPOINT_URL_CLOUDWATCH; `assumeRoleArn`: IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN. */
export type CloudWatchClientsOptions = ControllerAwsOptions;

/** One CloudWatch client per region (metrics live in the database's region), sharing one credential provider. */
export function createCloudWatchClients(options: CloudWatchClientsOptions = {}) {
  const configFor = controllerAwsConfig(options);
  const byRegion = new Map<string, CloudWatchClient>();
  return {
    forRegion(region: string): CloudWatchClient {
      let client = byRegion.get(region);
      if (!client) {
        client = new CloudWatchClient(configFor(region));
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

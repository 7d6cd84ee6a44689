import { createHash } from 'node:crypto';

// The simulated account's RDS control plane: every simulator instance started in this process
// registers here, and any of their HTTP servers answers DescribeDBInstances for all of them (as
// RDS's regional endpoint answers for every instance of the account), so one
// AWS_ENDPOINT_URL_RDS serves a sandbox with several instances.

/** The account every simulated instance belongs to (12 digits, as the policy generator requires). */
export const SIM_ACCOUNT_ID = '123456789012';

export interface SimInstanceDescription {
  readonly identifier: string;
  readonly region: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly dbiResourceId: string;
  readonly isIamDatabaseAuthenticationEnabled: () => boolean;
}

const instances = new Map<string, SimInstanceDescription>();

/** Registers an instance; returns the function that removes it (on close). */
export function registerSimInstance(description: SimInstanceDescription): () => void {
  const key = description.identifier.toLowerCase();
  instances.set(key, description);
  return () => {
    if (instances.get(key) === description) instances.delete(key);
  };
}

export function findSimInstance(identifier: string): SimInstanceDescription | undefined {
  // RDS identifiers are case-insensitive; an ARN names the instance after `:db:`.
  const name = identifier.includes(':db:') ? identifier.slice(identifier.lastIndexOf(':db:') + 4) : identifier;
  return instances.get(name.toLowerCase());
}

export function allSimInstances(): SimInstanceDescription[] {
  return [...instances.values()];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * `db-` + 26 upper-case characters, as RDS's DbiResourceId: derived from the endpoint name, so
 * a sandbox restarted with the same instances keeps the ids its policies name.
 */
export function simResourceId(endpointHost: string): string {
  const digest = createHash('sha256').update(endpointHost.toLowerCase()).digest();
  let id = '';
  for (let i = 0; i < 26; i += 1) id += BASE32[(digest[i] ?? 0) % 32];
  return `db-${id}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

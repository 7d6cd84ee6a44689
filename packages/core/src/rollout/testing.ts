import type { DatabaseObservation, NodeObservation, RolloutObservations } from './observations';
import { normaliseRolloutSpec } from './spec';
import type { RolloutSpec } from './types';

// Builders for rollout tests: a healthy Kong 3.9 traditional node with both connections on
// passwords, 2 workers × 5 connections per kind (a burst of 10/s per kind).

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function node(nodeId: string, overrides: Partial<NodeObservation> = {}): NodeObservation {
  return {
    nodeId,
    stage: 'password',
    role: 'traditional',
    isDatabaseOff: false,
    kongVersion: '3.9.1',
    labels: {},
    hasReadOnlyConnection: true,
    rwDatabaseId: 'primary',
    roDatabaseId: 'replica',
    workerCount: 2,
    poolSize: { rw: 5, ro: 5 },
    usesAssumeRole: false,
    isStale: false,
    authFailuresInWindow: 0,
    stageSinceMs: T0 - 86_400_000,
    ...overrides,
  };
}

export function database(databaseId: string, overrides: Partial<DatabaseObservation> = {}): DatabaseObservation {
  return { databaseId, budgetPerSecond: 200, ratePerSecond: 0, ...overrides };
}

export function observations(
  nodes: readonly NodeObservation[],
  overrides: Partial<RolloutObservations> = {},
): RolloutObservations {
  return { nodes, databases: [database('primary'), database('replica')], alarms: [], ...overrides };
}

/** A valid spec from a body, or the test fails loudly. */
export function specOf(body: Record<string, unknown> = {}): RolloutSpec {
  const result = normaliseRolloutSpec({ scope: { databaseId: 'primary' }, ...body });
  if (!result.isValid) throw new Error(`invalid test spec: ${JSON.stringify(result.errors)}`);
  return result.spec;
}

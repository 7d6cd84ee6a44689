import type { SourceDatabase } from './metrics-source';

/** Static credentials for tests: nothing asks the default chain (no IMDS probing). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-key-not-real' };

export function sourceDatabase(i: number, overrides: Partial<SourceDatabase> = {}): SourceDatabase {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    identifier: `kong-db-${i}`,
    region: 'us-east-1',
    budgetPerSecond: 200,
    warningThreshold: 0.8,
    ...overrides,
  };
}

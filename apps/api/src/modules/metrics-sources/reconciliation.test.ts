import { describe, expect, it } from 'vitest';
import { compareRates, divergenceMessage } from './reconciliation';

const T0 = Date.UTC(2026, 11, 1, 10, 0);
const minute = (i: number, local: number, source: number) => ({ bucketStartMs: T0 + i * 60_000, local, source });

describe('compareRates (local vs the source over the same minutes)', () => {
  it.each([
    ['agree', [minute(0, 6000, 6000), minute(1, 6000, 6100)], false],
    ['within 25%', [minute(0, 4600, 6000)], false],
    ['missing agents: the source sees more', [minute(0, 3000, 6000), minute(1, 3000, 6000)], true],
    ['counters too high', [minute(0, 9000, 6000)], true],
  ] as const)('%s', (_name, pairs, isDivergent) => {
    expect(compareRates(pairs, 60, 0.25)?.isDivergent).toBe(isDivergent);
  });

  it('gives both figures per second over the compared periods', () => {
    const c = compareRates([minute(0, 3000, 6000), minute(1, 3000, 6000)], 60, 0.25)!;
    expect(c).toMatchObject({
      localPerSecond: 50,
      sourcePerSecond: 100,
      divergence: 0.5,
      fromMs: T0,
      toMs: T0 + 120_000,
    });
    expect(divergenceMessage('orders', 'cloudwatch', c, 0.25)).toBe(
      'orders: the agents count 50.0 IAM logins/s, CloudWatch 100.0/s (IamDbAuthConnectionRequests) over 10:00:00–10:02:00 UTC: 50% apart, tolerance 25%. Nodes without an agent, or counters that are wrong.',
    );
  });

  it('does not judge a quiet database or no data', () => {
    expect(compareRates([], 60, 0.25)).toBeNull();
    expect(compareRates([minute(0, 2, 20)], 60, 0.25)).toBeNull();
  });
});

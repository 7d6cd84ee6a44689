import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

const POLICY = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs', () => {
  it('stays within [ceiling/2, ceiling] of a doubling, capped ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const ceiling = Math.min(1000, 100 * 2 ** (retry - 1));
          const delay = backoffDelayMs(retry, POLICY, () => r);
          expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });

  it('doubles the ceiling per retry', () => {
    const top = (retry: number) => backoffDelayMs(retry, POLICY, () => 1);
    expect([1, 2, 3, 4].map(top)).toEqual([100, 200, 400, 800]);
  });

  it('stops growing at the maximum', () => {
    expect(backoffDelayMs(30, POLICY, () => 1)).toBe(1000);
  });

  it('spreads retriers with the random draw', () => {
    expect(backoffDelayMs(2, POLICY, () => 0)).toBe(100);
    expect(backoffDelayMs(2, POLICY, () => 0.5)).toBe(150);
  });

  it('refuses a retry number below 1', () => {
    expect(() => backoffDelayMs(0, POLICY)).toThrow(RangeError);
  });
});

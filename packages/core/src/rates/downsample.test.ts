import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  completedBucketRange,
  ONE_MINUTE_TIER,
  retentionCutoffMs,
  rollUpRows,
  rollUpSeconds,
  TEN_SECOND_TIER,
  type BucketRow,
} from './downsample';
import type { SecondPoint } from './second-series';

const T0_MS = 1_699_999_980_000; // a whole minute

const secondPoints = fc
  .array(fc.record({ offset: fc.nat({ max: 3_600 }), count: fc.nat({ max: 500 }) }), { maxLength: 200 })
  .map((raw) => {
    const byOffset = new Map(raw.map(({ offset, count }) => [offset, count]));
    return [...byOffset].map(([offset, count]): SecondPoint => ({ timeMs: T0_MS + offset * 1_000, count }));
  });

function totals(rows: readonly BucketRow[]): { sum: number; count: number; max: number } {
  return {
    sum: rows.reduce((a, r) => a + r.sum, 0),
    count: rows.reduce((a, r) => a + r.count, 0),
    max: Math.max(0, ...rows.map((r) => r.max)),
  };
}

describe('downsampling', () => {
  it('rolls seconds into 10 s rows with sum, max and count', () => {
    const points = [0, 3, 9, 10].map((offset, i): SecondPoint => ({
      timeMs: T0_MS + offset * 1_000,
      count: [4, 7, 1, 2][i]!,
    }));
    expect(rollUpSeconds(points, TEN_SECOND_TIER.bucketMs)).toEqual([
      { bucketStartMs: T0_MS, sum: 12, max: 7, count: 3 },
      { bucketStartMs: T0_MS + 10_000, sum: 2, max: 2, count: 1 },
    ]);
  });

  it('preserves the sum, the seconds and the peak from seconds to 10 s to 1 min', () => {
    fc.assert(
      fc.property(secondPoints, (points) => {
        const tenSeconds = rollUpSeconds(points, TEN_SECOND_TIER.bucketMs);
        const minutes = rollUpRows(tenSeconds, ONE_MINUTE_TIER.bucketMs);
        const expected = {
          sum: points.reduce((a, p) => a + p.count, 0),
          count: points.length,
          max: Math.max(0, ...points.map((p) => p.count)),
        };
        expect(totals(tenSeconds)).toEqual(expected);
        expect(totals(minutes)).toEqual(expected);
      }),
    );
  });

  it('gives the same minute rows through 10 s rows as straight from seconds', () => {
    fc.assert(
      fc.property(secondPoints, (points) => {
        expect(rollUpRows(rollUpSeconds(points, 10_000), 60_000)).toEqual(rollUpSeconds(points, 60_000));
      }),
    );
  });

  it.each([
    { tier: TEN_SECOND_TIER, nowMs: T0_MS + 86_400_000 + 15_000, expected: T0_MS + 10_000 },
    { tier: ONE_MINUTE_TIER, nowMs: T0_MS + 30 * 86_400_000 + 90_000, expected: T0_MS + 60_000 },
  ])('cuts retention at the bucket holding now − retention ($tier.bucketMs ms rows)', ({ tier, nowMs, expected }) => {
    expect(retentionCutoffMs(nowMs, tier)).toBe(expected);
  });

  it.each([
    {
      name: 'whole buckets that ended a settle ago',
      sinceMs: T0_MS,
      nowMs: T0_MS + 31_000,
      expected: { fromMs: T0_MS, toMs: T0_MS + 30_000 },
    },
    { name: 'none while the last bucket is settling', sinceMs: T0_MS, nowMs: T0_MS + 10_500, expected: undefined },
    {
      name: 'from the next whole bucket after an unaligned start',
      sinceMs: T0_MS + 4_000,
      nowMs: T0_MS + 31_000,
      expected: { fromMs: T0_MS + 10_000, toMs: T0_MS + 30_000 },
    },
  ])('completedBucketRange: $name', ({ sinceMs, nowMs, expected }) => {
    expect(completedBucketRange(sinceMs, nowMs, 10_000, 1_000)).toEqual(expected);
  });
});

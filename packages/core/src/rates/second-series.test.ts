import { describe, expect, it } from 'vitest';
import { HOUR_SECONDS, SecondSeries } from './second-series';

const T0 = 1_700_000_000; // a second, far from the epoch

function seriesWith(
  counts: ReadonlyArray<readonly [second: number, count: number]>,
  capacitySeconds = HOUR_SECONDS,
): SecondSeries {
  const series = new SecondSeries(capacitySeconds);
  for (const [second, count] of counts) series.addAt(second, count);
  return series;
}

describe('SecondSeries', () => {
  it('reads back what was added to a second, as a rate at any time inside it', () => {
    const series = seriesWith([
      [T0, 3],
      [T0, 4],
    ]);
    expect(series.countAt(T0)).toBe(7);
    expect(series.rateAt(T0 * 1_000 + 999)).toBe(7);
  });

  it('reads seconds after the newest write as zero', () => {
    expect(seriesWith([[T0, 5]]).countAt(T0 + 1)).toBe(0);
  });

  it('forgets a second once the head is an hour past it (ring wrap-around)', () => {
    const series = seriesWith([[T0, 9]]);
    series.addAt(T0 + HOUR_SECONDS - 1, 1);
    expect(series.countAt(T0)).toBe(9);
    series.addAt(T0 + HOUR_SECONDS, 2); // the same slot as T0
    expect(series.countAt(T0)).toBe(0);
    expect(series.countAt(T0 + HOUR_SECONDS)).toBe(2);
  });

  it('zeroes every slot when time jumps more than a lap', () => {
    const series = seriesWith(
      [
        [T0, 1],
        [T0 + 10, 1],
      ],
      60,
    );
    series.advanceTo(T0 + 500);
    expect(series.sumSeconds(T0 + 400, T0 + 501)).toBe(0);
  });

  it('refuses a write older than what it holds', () => {
    const series = seriesWith([[T0 + 100, 1]], 60);
    expect(series.addAt(T0, 5)).toBe(false);
    expect(series.sumSeconds(T0 - 100, T0 + 101)).toBe(1);
  });

  it('averages over the whole seconds before the one containing the end time', () => {
    const series = seriesWith([
      [T0 - 10, 100],
      [T0 - 1, 50],
      [T0, 1_000],
    ]);
    expect(series.windowAverage(T0 * 1_000 + 500, 10)).toBe(15);
  });

  it.each([
    { name: 'busiest second', from: T0, to: T0 + 10, expected: { timeMs: (T0 + 4) * 1_000, count: 8 } },
    { name: 'earliest of equal seconds', from: T0 + 5, to: T0 + 10, expected: { timeMs: (T0 + 6) * 1_000, count: 8 } },
    {
      name: 'zero when the range holds nothing',
      from: T0 + 20,
      to: T0 + 30,
      expected: { timeMs: (T0 + 20) * 1_000, count: 0 },
    },
  ])('peak: $name', ({ from, to, expected }) => {
    const series = seriesWith([
      [T0 + 1, 2],
      [T0 + 4, 8],
      [T0 + 6, 8],
    ]);
    expect(series.peak(from * 1_000, to * 1_000)).toEqual(expected);
  });

  it('peak: undefined when the range is before what it holds', () => {
    const series = seriesWith([[T0 + 100, 1]], 10);
    expect(series.peak(T0 * 1_000, (T0 + 50) * 1_000)).toBeUndefined();
  });

  it('range: sums, averages and peaks per step, the last step shorter', () => {
    const series = seriesWith([
      [T0, 4],
      [T0 + 1, 2],
      [T0 + 3, 6],
      [T0 + 5, 1],
    ]);
    expect(series.range(T0 * 1_000, (T0 + 5) * 1_000 + 1, 3_000)).toEqual([
      { startMs: T0 * 1_000, sum: 6, averagePerSecond: 2, peakPerSecond: 4, seconds: 3 },
      { startMs: (T0 + 3) * 1_000, sum: 6, averagePerSecond: 3, peakPerSecond: 6, seconds: 2 },
    ]);
  });

  it('range: counts only the seconds still held near the retention edge', () => {
    const series = seriesWith([[T0 + 12, 6]], 10); // holds T0+3 … T0+12
    const [first] = series.range(T0 * 1_000, (T0 + 5) * 1_000, 5_000);
    expect(first).toMatchObject({ seconds: 2, sum: 0 });
  });

  it('range: rejects a step that is not whole seconds', () => {
    expect(() => new SecondSeries().range(0, 10_000, 1_500)).toThrow(RangeError);
  });

  it('points: every held second in the range, zeros included', () => {
    const series = seriesWith([[T0 + 1, 3]]);
    expect(series.points(T0 * 1_000, (T0 + 3) * 1_000).map((point) => point.count)).toEqual([0, 3, 0]);
  });
});

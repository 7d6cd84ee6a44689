import { describe, expect, it } from 'vitest';
import { HOUR_SECONDS, PAGE_SECONDS, SecondSeries } from './second-series';

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

  it('takes room a page at a time, gives it back as bursts leave the ring, and holds none after a quiet lap', () => {
    const series = seriesWith([[T0, 1]]);
    expect(series.allocatedSeconds).toBe(PAGE_SECONDS);
    // One count in each of eight minutes: the room doubles as pages are taken.
    for (let minute = 1; minute < 8; minute++) series.addAt(T0 + minute * PAGE_SECONDS, minute + 1);
    expect(series.allocatedSeconds).toBe(8 * PAGE_SECONDS);
    // The head passes the first six minutes' counts: with two pages left of eight, the room halves twice.
    series.advanceTo(T0 + HOUR_SECONDS + 5 * PAGE_SECONDS);
    expect(series.allocatedSeconds).toBe(4 * PAGE_SECONDS);
    expect(series.countAt(T0 + 6 * PAGE_SECONDS)).toBe(7);
    expect(series.countAt(T0 + 7 * PAGE_SECONDS)).toBe(8);
    expect(series.sumSeconds(T0, T0 + 2 * HOUR_SECONDS)).toBe(15);
    series.advanceTo(T0 + HOUR_SECONDS + 7 * PAGE_SECONDS);
    expect(series.allocatedSeconds).toBe(0);
    expect(series.sumSeconds(T0, T0 + 2 * HOUR_SECONDS)).toBe(0);
    series.addAt(T0 + 2 * HOUR_SECONDS, 5); // and takes a page again when counts come back
    expect(series.allocatedSeconds).toBe(PAGE_SECONDS);
    expect(series.countAt(T0 + 2 * HOUR_SECONDS)).toBe(5);
  });

  it.each([1, 7, 60, 61, 150, 1_000])(
    'reads as a plain ring would, through random writes and advances (capacity %i)',
    (capacity) => {
      // The reference: every second's count in a map, forgotten once older than the window.
      let seed = capacity * 7_919;
      const random = (below: number) => {
        // mulberry32: a small seeded generator, so a failure replays.
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) % below;
      };
      let written = 0;
      const series = new SecondSeries(capacity);
      const reference = new Map<number, number>();
      let latest = T0;
      for (let step = 0; step < 500; step++) {
        const jump = random(10) === 0 ? random(3 * capacity) : random(3);
        latest += jump;
        const second = latest - random(capacity + 2);
        const count = random(4);
        const isHeld = series.addAt(second, count);
        if (isHeld && count > 0) {
          reference.set(second, (reference.get(second) ?? 0) + count);
          written += 1;
        }
        if (random(5) === 0) series.advanceTo(latest + random(capacity));
        latest = Math.max(latest, series.latestSecond);
        const expected = (s: number) =>
          s > series.latestSecond - capacity && s <= series.latestSecond ? (reference.get(s) ?? 0) : 0;
        const actual: number[] = [];
        const wanted: number[] = [];
        for (let s = series.latestSecond - capacity - 1; s <= series.latestSecond + 1; s++) {
          actual.push(series.countAt(s));
          wanted.push(expected(s));
        }
        expect(actual).toEqual(wanted);
        let sum = 0;
        let countedSeconds = 0;
        for (let s = series.latestSecond - capacity + 1; s <= series.latestSecond; s++) {
          sum += expected(s);
          if (expected(s) > 0) countedSeconds += 1;
        }
        expect(series.sumSeconds(series.latestSecond - 2 * capacity, series.latestSecond + 1)).toBe(sum);
        // Memory: no more pages than the ring has, and none when nothing is counted.
        expect(series.allocatedSeconds).toBeLessThanOrEqual(Math.ceil(capacity / PAGE_SECONDS) * PAGE_SECONDS);
        if (countedSeconds === 0) expect(series.allocatedSeconds).toBe(0);
      }
      expect(written).toBeGreaterThan(200); // the walk did write
    },
  );
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecondSeries } from './second-series';
import { addSpread } from './spread';

const T0_MS = 1_700_000_000_000;

function countsOf(series: SecondSeries, fromSecond: number, seconds: number): number[] {
  return Array.from({ length: seconds }, (_, i) => series.countAt(fromSecond + i));
}

describe('addSpread', () => {
  const first = T0_MS / 1_000;
  it.each([
    {
      name: 'inside one second lands in that second',
      count: 5,
      fromMs: T0_MS + 100,
      toMs: T0_MS + 900,
      expected: [5, 0, 0, 0],
    },
    {
      name: 'a zero-length interval lands at its time',
      count: 5,
      fromMs: T0_MS + 2_000,
      toMs: T0_MS + 2_000,
      expected: [0, 0, 5, 0],
    },
    { name: 'whole seconds share evenly', count: 8, fromMs: T0_MS, toMs: T0_MS + 4_000, expected: [2, 2, 2, 2] },
    {
      name: 'a gap spreads over the elapsed interval',
      count: 30,
      fromMs: T0_MS,
      toMs: T0_MS + 3_000,
      expected: [10, 10, 10, 0],
    },
    {
      name: 'partial seconds get their share of the time',
      count: 10,
      fromMs: T0_MS + 500,
      toMs: T0_MS + 2_500,
      expected: [3, 5, 2, 0],
    },
    { name: 'remainders are dealt, never lost', count: 1, fromMs: T0_MS, toMs: T0_MS + 3_000, expected: [0, 1, 0, 0] },
  ])('$name', ({ count, fromMs, toMs, expected }) => {
    const series = new SecondSeries();
    expect(addSpread([series], count, fromMs, toMs)).toBe(count);
    expect(countsOf(series, first, 4)).toEqual(expected);
  });

  it('writes identical seconds to every target', () => {
    const node = new SecondSeries();
    const database = new SecondSeries();
    addSpread([node, database], 17, T0_MS + 300, T0_MS + 5_700);
    expect(countsOf(database, first, 6)).toEqual(countsOf(node, first, 6));
  });

  it('drops the part of a long gap older than the series holds', () => {
    const series = new SecondSeries(10);
    expect(addSpread([series], 100, T0_MS, T0_MS + 100_000)).toBe(10);
    expect(series.sumSeconds(first, first + 101)).toBe(10);
  });

  it('clips to the narrowest target so all targets agree', () => {
    const node = new SecondSeries(60);
    const database = new SecondSeries(60);
    database.addAt(first + 100, 0);
    addSpread([node, database], 50, T0_MS, T0_MS + 50_000);
    expect(node.sumSeconds(first, first + 200)).toBe(database.sumSeconds(first, first + 200));
  });

  it('places exactly the count, over any interval', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 120_000 }),
        fc.nat({ max: 999 }),
        (count, durationMs, offsetMs) => {
          const series = new SecondSeries();
          const fromMs = T0_MS + offsetMs;
          addSpread([series], count, fromMs, fromMs + durationMs);
          expect(series.sumSeconds(first, first + 200)).toBe(count);
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { forEachYielding, MAX_CLOCK_STRIDE } from './yield';

/** Runs a pass while a task waits on the loop: which items ran before the waiting task got its turn. */
async function itemsBeforeTheWaitingTask(sliceMs: number): Promise<{ seen: number[]; waitedUntil: number | null }> {
  // Not right after another test's pass: that would make this one wait a turn before it starts.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const seen: number[] = [];
  let waitedUntil: number | null = null;
  setImmediate(() => {
    waitedUntil = seen.length;
  });
  await forEachYielding(
    Array.from({ length: 100 }, (_, i) => i),
    (item) => void seen.push(item),
    { sliceMs },
  );
  return { seen, waitedUntil };
}

describe('forEachYielding', () => {
  it('hands every item to fn, in order', async () => {
    const { seen } = await itemsBeforeTheWaitingTask(Number.POSITIVE_INFINITY);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('lets a waiting task run once its slice is used up (the clock is read after the first item)', async () => {
    const { waitedUntil } = await itemsBeforeTheWaitingTask(0);
    expect(waitedUntil).toBe(1);
  });

  it('keeps going within its slice', async () => {
    const { waitedUntil } = await itemsBeforeTheWaitingTask(Number.POSITIVE_INFINITY);
    // The pass never yielded: it was done before the waiting task's turn came.
    expect(waitedUntil).toBeNull();
  });
});

/**
 * A pass over items of the given costs (ms each) on a driven clock: the milliseconds of work
 * between two yields (its slices) and how often it read the clock. A task re-queued on every
 * turn of the loop marks where each slice ended.
 */
async function slicesOf(costsMs: readonly number[], sliceMs = 4): Promise<{ slices: number[]; reads: number }> {
  let clock = 0;
  let reads = 0;
  let isDone = false;
  const marks: number[] = [];
  const mark = () => {
    if (isDone) return;
    marks.push(clock);
    setImmediate(mark);
  };
  setImmediate(mark);
  await forEachYielding(
    costsMs,
    (cost) => {
      clock += cost;
    },
    {
      sliceMs,
      now: () => {
        reads += 1;
        return clock;
      },
    },
  );
  isDone = true;
  marks.push(clock);
  const slices = marks.map((at, index) => at - (index === 0 ? 0 : marks[index - 1]!)).filter((slice) => slice > 0);
  return { slices, reads };
}

describe('forEachYielding on a driven clock', () => {
  it('yields once a slice of costly items is used up, not after a fixed count of them', async () => {
    const { slices } = await slicesOf(Array.from({ length: 40 }, () => 1));
    expect(slices).toEqual(Array.from({ length: 10 }, () => 4));
  });

  it('reads the clock every few cheap items, and still yields on time', async () => {
    const { slices, reads } = await slicesOf(Array.from({ length: 10_000 }, () => 0.01));
    expect(reads).toBeLessThan(10_000 / MAX_CLOCK_STRIDE + 100);
    expect(Math.max(...slices)).toBeLessThanOrEqual(4 + MAX_CLOCK_STRIDE * 0.01 + 1e-6);
  });

  it('overruns by at most a stride of items when cheap items turn costly', async () => {
    const costs = [...Array.from({ length: 5_000 }, () => 0.01), ...Array.from({ length: 40 }, () => 1)];
    const { slices } = await slicesOf(costs);
    expect(Math.max(...slices)).toBeLessThanOrEqual(4 + MAX_CLOCK_STRIDE);
    // Back to one item per look: the slices before the last (the remainder) are the slice length exactly.
    expect(slices.slice(-4, -1)).toEqual([4, 4, 4]);
  });
});

describe('passes sharing the loop', () => {
  it('run one slice per turn between them, the second waiting its turn to start', async () => {
    let clock = 0;
    const now = () => clock;
    const ran: string[][] = [[]];
    let isDone = false;
    const mark = () => {
      if (isDone) return;
      ran.push([]);
      setImmediate(mark);
    };
    setImmediate(mark);
    const pass = (name: string) =>
      forEachYielding(
        Array.from({ length: 12 }, (_, index) => index),
        () => {
          clock += 1;
          ran.at(-1)!.push(name);
        },
        { sliceMs: 4, now },
      );
    // Started together, as two timers firing in one phase of the loop.
    await Promise.all([pass('a'), pass('b')]);
    isDone = true;
    const turns = ran.filter((names) => names.length > 0);
    // Each turn (and the phase they were started in) ran one pass's slice of 4 items, never both.
    expect(turns.map((names) => [...new Set(names)])).toEqual(turns.map((names) => [names[0]]));
    expect(turns.every((names) => names.length === 4)).toBe(true);
    expect(turns.filter((names) => names[0] === 'a')).toHaveLength(3);
    expect(turns.filter((names) => names[0] === 'b')).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { forEachYielding } from './yield';

/** Runs a pass while a task waits on the loop: which items ran before the waiting task got its turn. */
async function itemsBeforeTheWaitingTask(sliceMs: number): Promise<{ seen: number[]; waitedUntil: number | null }> {
  const seen: number[] = [];
  let waitedUntil: number | null = null;
  setImmediate(() => {
    waitedUntil = seen.length;
  });
  await forEachYielding(
    Array.from({ length: 100 }, (_, i) => i),
    (item) => void seen.push(item),
    sliceMs,
  );
  return { seen, waitedUntil };
}

describe('forEachYielding', () => {
  it('hands every item to fn, in order', async () => {
    const { seen } = await itemsBeforeTheWaitingTask(Number.POSITIVE_INFINITY);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('lets a waiting task run once its slice is used up (checked every 32 items)', async () => {
    const { waitedUntil } = await itemsBeforeTheWaitingTask(0);
    expect(waitedUntil).toBe(32);
  });

  it('keeps going within its slice', async () => {
    const { waitedUntil } = await itemsBeforeTheWaitingTask(Number.POSITIVE_INFINITY);
    // The pass never yielded: it was done before the waiting task's turn came.
    expect(waitedUntil).toBeNull();
  });
});

import { performance } from 'node:perf_hooks';
import { setImmediate as immediate } from 'node:timers/promises';

/** Longest a background pass runs before it yields to the event loop (requests waiting, e.g. heartbeats). */
export const YIELD_AFTER_MS = 4;
/** Items handled between two looks at the clock (reading it costs too). */
const CLOCK_EVERY = 32;

/**
 * Lets requests waiting on the event loop run (heartbeats): a background pass over the
 * whole fleet (10,000 nodes) calls this whenever it has run YIELD_AFTER_MS, so no pass
 * holds the loop for long however large the fleet or slow the machine.
 */
export function yieldToLoop(): Promise<void> {
  return immediate().then(() => undefined);
}

/**
 * Calls `fn` for each item, yielding to the event loop after every YIELD_AFTER_MS of work.
 * By time, not by count: an item's cost differs by pass and a slower machine (or a loaded
 * one) would otherwise hold the loop longer per slice.
 */
export async function forEachYielding<T>(
  items: Iterable<T>,
  fn: (item: T) => void,
  sliceMs: number = YIELD_AFTER_MS,
): Promise<void> {
  let sliceStart = performance.now();
  let count = 0;
  for (const item of items) {
    fn(item);
    count += 1;
    if (count % CLOCK_EVERY === 0 && performance.now() - sliceStart >= sliceMs) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
}

/**
 * Hands `items` to `fn` in chunks of `size` (statements whose parameters node-postgres encodes
 * synchronously), one after another, yielding to the event loop between two chunks.
 */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await yieldToLoop();
    await fn(items.slice(start, start + size));
  }
}

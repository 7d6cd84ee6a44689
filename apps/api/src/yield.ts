import { performance } from 'node:perf_hooks';
import { setImmediate as immediate } from 'node:timers/promises';

/** Longest a background pass runs before it yields to the event loop (requests waiting, e.g. heartbeats). */
export const YIELD_AFTER_MS = 4;
/** Work between two looks at the clock (reading it costs ~70 ns): cheap items read it every few, costly ones every item. */
const CLOCK_EVERY_MS = 0.5;
/** The most items between two looks at the clock: when items turn costly the slice overruns by at most this many. */
export const MAX_CLOCK_STRIDE = 8;

/**
 * Lets requests waiting on the event loop run (heartbeats): a background pass over the
 * whole fleet (10,000 nodes) calls this whenever it has run YIELD_AFTER_MS, so no pass
 * holds the loop for long however large the fleet or slow the machine.
 */
export function yieldToLoop(): Promise<void> {
  return immediate().then(() => undefined);
}

export interface YieldingOptions {
  /** Longest run between two yields (default YIELD_AFTER_MS). */
  readonly sliceMs?: number;
  /** Milliseconds, monotonic (default `performance.now`): a test drives it. */
  readonly now?: () => number;
}

/**
 * Calls `fn` for each item, yielding to the event loop after every YIELD_AFTER_MS of work.
 * By time, not by count: an item's cost differs by pass and a slower machine (or a loaded
 * one) would otherwise hold the loop longer per slice. The clock is read about every
 * CLOCK_EVERY_MS of work (a stride of items that doubles while they are cheap and halves when
 * they are not), so a pass of costly items (a node's rate roll-up) overruns its slice by about
 * one item, not by a fixed count of them.
 */
export async function forEachYielding<T>(
  items: Iterable<T>,
  fn: (item: T) => void,
  options: YieldingOptions = {},
): Promise<void> {
  const sliceMs = options.sliceMs ?? YIELD_AFTER_MS;
  const now = options.now ?? (() => performance.now());
  let sliceStart = now();
  let lastLook = sliceStart;
  let stride = 1;
  let sinceLook = 0;
  for (const item of items) {
    fn(item);
    if (++sinceLook < stride) continue;
    sinceLook = 0;
    const at = now();
    const spent = at - lastLook;
    if (spent < CLOCK_EVERY_MS / 2) stride = Math.min(stride * 2, MAX_CLOCK_STRIDE);
    else if (spent > CLOCK_EVERY_MS) stride = Math.max(1, stride >> 1);
    lastLook = at;
    if (at - sliceStart >= sliceMs) {
      await yieldToLoop();
      sliceStart = lastLook = now();
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

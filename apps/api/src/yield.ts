import { setImmediate as immediate } from 'node:timers/promises';

/** Items a background loop handles between two yields to the event loop. */
export const YIELD_EVERY = 500;

/**
 * Lets requests waiting on the event loop run (heartbeats): a background pass over the
 * whole fleet (10,000 nodes) calls this every YIELD_EVERY items, so no pass holds the
 * loop for long however large the fleet.
 */
export function yieldToLoop(): Promise<void> {
  return immediate().then(() => undefined);
}

/** Calls `fn` for each item, yielding to the event loop every YIELD_EVERY items. */
export async function forEachYielding<T>(items: Iterable<T>, fn: (item: T) => void): Promise<void> {
  let count = 0;
  for (const item of items) {
    fn(item);
    count += 1;
    if (count % YIELD_EVERY === 0) await yieldToLoop();
  }
}

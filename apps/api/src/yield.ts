import { performance } from 'node:perf_hooks';

/** Longest a background pass runs before it yields to the event loop (requests waiting, e.g. heartbeats). */
export const YIELD_AFTER_MS = 4;
/** Work between two looks at the clock (reading it costs ~70 ns): cheap items read it every few, costly ones every item. */
const CLOCK_EVERY_MS = 0.5;
/** The most items between two looks at the clock: when items turn costly the slice overruns by at most this many. */
export const MAX_CLOCK_STRIDE = 8;

/** Passes waiting for their next slice, oldest first: one is let go per turn of the event loop. */
const waiting: (() => void)[] = [];
let isPumping = false;
/** When the last background slice ended (performance.now): a pass starting right after waits its turn. */
let lastSliceEndMs = Number.NEGATIVE_INFINITY;
/** A slice that ended this recently ran in the same phase of the loop (timers fire back to back). */
const SAME_TURN_MS = 1;

function releaseOne(): void {
  const next = waiting.shift();
  if (waiting.length > 0) setImmediate(releaseOne);
  else isPumping = false;
  next?.();
}

/**
 * Lets requests waiting on the event loop run (heartbeats): a background pass over the
 * whole fleet (10,000 nodes) calls this whenever it has run YIELD_AFTER_MS, so no pass
 * holds the loop for long however large the fleet or slow the machine. The passes share the
 * loop's turns: each turn lets one waiting pass run its next slice (in the order they yielded),
 * so five passes at once still add one slice to a turn, not five (each turn's poll phase then
 * has one slice's worth of requests queued, not five, and the turns after it do not grow).
 */
export function yieldToLoop(): Promise<void> {
  lastSliceEndMs = performance.now();
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!isPumping) {
      isPumping = true;
      setImmediate(releaseOne);
    }
  });
}

/** At a pass's start: waits for a turn of its own when another pass's slice just ran (timers firing together). */
function turnToStart(): Promise<void> | undefined {
  return waiting.length > 0 || performance.now() - lastSliceEndMs < SAME_TURN_MS ? yieldToLoop() : undefined;
}

/** A slice ends without a yield (a pass's last): the next pass to start in this phase waits its turn. */
function sliceEnded(): void {
  lastSliceEndMs = performance.now();
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
  // Only when there is a turn to wait for: an `await` of nothing would let a pass started in the same
  // phase run first, and both would take this turn.
  const turn = turnToStart();
  if (turn) await turn;
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
  sliceEnded();
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
    const turn = start > 0 ? yieldToLoop() : turnToStart();
    if (turn) await turn;
    await fn(items.slice(start, start + size));
  }
}

import { performance } from 'node:perf_hooks';

/** The longest keep-alive a busy loop asks of idle nodes by default: Kong's own data-plane ping. */
export const KEEP_ALIVE_MAX_MS = 30_000;
/** The window the governor judges the event loop over (one sample a second). */
export const GOVERNOR_WINDOW_SECONDS = 5;
/** Busier than this on average over the window: idle nodes are asked to heartbeat less often. */
export const SHED_ABOVE = 0.75;
/** Calmer than this: back towards the configured keep-alive. */
export const RESTORE_BELOW = 0.5;
/** Each step multiplies (or divides) the keep-alive by this, rounded to whole seconds. */
const STEP = 1.5;

export interface KeepAliveGovernorOptions {
  /** The configured keep-alive (`IAMROLL_HEARTBEAT_KEEP_ALIVE_MS`): what idle nodes get while the loop has room. */
  readonly baseMs: number;
  /** The longest it may ask for (`IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS`); at or below `baseMs` it never moves. */
  readonly maxMs: number;
  /** The event loop's utilisation (0–1) since the previous call; default: `performance.eventLoopUtilization`. */
  readonly sampleUtilisation?: () => number;
}

export interface KeepAliveChange {
  readonly fromMs: number;
  readonly toMs: number;
  /** The window's average utilisation that moved it. */
  readonly utilisation: number;
}

/** `performance.eventLoopUtilization` as deltas: the share of wall time since the last call the loop was not idle. */
export function loopUtilisationSampler(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

const wholeSeconds = (ms: number) => Math.round(ms / 1_000) * 1_000;

/**
 * The idle keep-alive under load. Idle nodes are most of a large fleet's heartbeats, and their
 * counters do not move, so when this process's event loop is busy (over SHED_ABOVE on average
 * over GOVERNOR_WINDOW_SECONDS) it asks them for a longer keep-alive, a step a second up to
 * `maxMs` (Kong's own data-plane ping is 30 s), and steps back down once the loop is calm (under
 * RESTORE_BELOW). Nothing else changes: nodes whose counters move still report at once, and
 * nodes in a rollout wave or on a database near its budget still get 1 s (reply-interval.ts).
 * Staleness stays right: the agent announces the longer interval only after one more heartbeat
 * at the shorter one (apps/agent's `#beatNow`), and each node is judged against what it announced.
 *
 * After a change, the opposite one waits until every idle node has heard it (one `maxMs`), so
 * the loop is judged on the load the change made: it does not swing with every sample.
 */
export function createKeepAliveGovernor({
  baseMs,
  maxMs,
  sampleUtilisation = loopUtilisationSampler(),
}: KeepAliveGovernorOptions) {
  const ceilingMs = Math.max(baseMs, maxMs);
  const samples: number[] = [];
  let currentMs = baseMs;
  let lastDirection: 'up' | 'down' | undefined;
  let lastChangeAtMs = Number.NEGATIVE_INFINITY;
  const average = () => samples.reduce((sum, u) => sum + u, 0) / Math.max(1, samples.length);

  return {
    /** What an idle node is asked for now. */
    get keepAliveMs(): number {
      return currentMs;
    },
    /** The window's average event-loop utilisation (0–1). */
    get utilisation(): number {
      return average();
    },
    /** One sample, once a second: returns the change it made, if any. */
    tick(nowMs: number): KeepAliveChange | undefined {
      const sample = sampleUtilisation();
      samples.push(Number.isFinite(sample) ? Math.min(1, Math.max(0, sample)) : 0);
      if (samples.length > GOVERNOR_WINDOW_SECONDS) samples.shift();
      if (samples.length < GOVERNOR_WINDOW_SECONDS) return undefined;
      const utilisation = average();
      const isSettled = (direction: 'up' | 'down') =>
        lastDirection === direction || nowMs - lastChangeAtMs >= ceilingMs;
      let toMs = currentMs;
      if (utilisation > SHED_ABOVE && currentMs < ceilingMs && isSettled('up'))
        toMs = Math.min(ceilingMs, wholeSeconds(currentMs * STEP));
      else if (utilisation < RESTORE_BELOW && currentMs > baseMs && isSettled('down'))
        toMs = Math.max(baseMs, wholeSeconds(currentMs / STEP));
      if (toMs === currentMs) return undefined;
      const change = { fromMs: currentMs, toMs, utilisation };
      lastDirection = toMs > currentMs ? 'up' : 'down';
      lastChangeAtMs = nowMs;
      currentMs = toMs;
      return change;
    },
  };
}

export type KeepAliveGovernor = ReturnType<typeof createKeepAliveGovernor>;

// New IAM authentications are what RDS rate-limits (~200/s per instance, not raisable),
// so every new physical connection passes a gate before it signs and connects.
// The interface is one method so a fleet-wide gate leased from the API can replace
// the local token bucket without the pool noticing.

/** AWS's guidance: IAM database authentication for fewer than 200 new connections per second. */
export { RDS_IAM_BUDGET_PER_SECOND as RDS_IAM_AUTH_BUDGET_PER_SECOND } from '../rates/budget';

export interface BudgetGate {
  /**
   * Resolves when one new IAM authentication may start. Rejects with
   * `signal.reason` if the signal aborts first; the slot is then not consumed.
   */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketGateOptions {
  /** Sustained authentications per second; also the most granted in any one second. */
  readonly ratePerSecond: number;
  /**
   * Slots that may accrue while nobody waits (default: a tenth of a second's
   * worth, at least 1): how many new connections may start at once after a
   * quiet period. The one-second cap holds regardless.
   */
  readonly burst?: number;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
}

export interface TokenBucketGate extends BudgetGate {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** The most grants in any sliding one-second window: ⌊ratePerSecond⌋, at least 1. */
  readonly maxPerSecond: number;
  /** Callers queued for a slot right now. */
  readonly waitingCount: number;
  /** Slots handed out since creation. */
  readonly grantedCount: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A FIFO token bucket (rate r, burst b) under a sliding-window cap: never more
 * than ⌊r⌋ grants in any one second, whatever the burst, so "fewer than the
 * budget per second" holds at every instant, not only on average. Grants are
 * spaced 1/r apart once the burst is spent.
 */
export function createTokenBucketGate(options: TokenBucketGateOptions): TokenBucketGate {
  const { ratePerSecond } = options;
  const burst = options.burst ?? Math.max(1, Math.floor(ratePerSecond / 10));
  const maxPerSecond = Math.max(1, Math.floor(ratePerSecond));
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError('ratePerSecond must be a positive number');
  if (!(burst >= 1) || !Number.isInteger(burst)) throw new RangeError('burst must be an integer of at least 1');
  const now = options.now ?? Date.now;
  const queue: Waiter[] = [];
  let tokens = burst;
  let refilledAtMs = now();
  let granted = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Times of the last `maxPerSecond` grants, a ring: `recent[next]` is the oldest once full. */
  const recent: number[] = [];
  let next = 0;

  function refill(): void {
    const nowMs = now();
    // While callers queue, slots accrue beyond the burst: they are owed because
    // the timer fired late (a busy event loop), and losing them would slow the
    // whole queue below the rate. The one-second cap still bounds what is granted.
    const capacity = queue.length > 0 ? Math.max(burst, maxPerSecond) : burst;
    tokens = Math.min(capacity, tokens + ((nowMs - refilledAtMs) * ratePerSecond) / 1000);
    refilledAtMs = nowMs;
  }

  /** Milliseconds until the one-second window has room (0: now). */
  function windowWaitMs(): number {
    if (recent.length < maxPerSecond) return 0;
    return Math.max(0, (recent[next] as number) + 1000 - now());
  }

  function take(): boolean {
    refill();
    if (tokens < 1 || windowWaitMs() > 0) return false;
    tokens -= 1;
    granted += 1;
    if (recent.length < maxPerSecond) recent.push(now());
    else {
      recent[next] = now();
      next = (next + 1) % maxPerSecond;
    }
    return true;
  }

  function drain(): void {
    timer = undefined;
    while (queue.length > 0 && take()) {
      const waiter = queue.shift() as Waiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    schedule();
  }

  function schedule(): void {
    if (timer !== undefined || queue.length === 0) return;
    const tokenWaitMs = tokens >= 1 ? 0 : ((1 - tokens) * 1000) / ratePerSecond;
    const waitMs = Math.max(1, Math.ceil(Math.max(tokenWaitMs, windowWaitMs())));
    // Not unref()ed on purpose: a queued caller is pending work (a connect() someone
    // awaits), and the process must not exit under it. No waiter, no timer.
    timer = setTimeout(drain, waitMs);
  }

  return {
    ratePerSecond,
    burst,
    maxPerSecond,
    get waitingCount() {
      return queue.length;
    },
    get grantedCount() {
      return granted;
    },
    acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (queue.length === 0 && take()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const index = queue.indexOf(waiter);
            if (index !== -1) queue.splice(index, 1);
            if (queue.length === 0 && timer !== undefined) {
              clearTimeout(timer);
              timer = undefined;
            }
            reject(signal?.reason as Error);
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        schedule();
      });
    },
  };
}

/** No limit: for comparisons and for callers that pace elsewhere. */
export const unlimitedGate: BudgetGate = {
  acquire: (signal?: AbortSignal) => (signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve()),
};

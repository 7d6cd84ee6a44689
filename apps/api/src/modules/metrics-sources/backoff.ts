/**
 * Exponential backoff with a cap and jitter, on an injected clock: after the nth
 * consecutive failure the next attempt waits min(cap, base × 2^(n−1)) × [0.5, 1).
 * Jitter keeps several controllers (or regions) from retrying in step; the cap keeps
 * a long outage from growing the wait past what an operator expects to see recover.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  /** [0, 1); default Math.random. */
  readonly random?: () => number;
}

export class Backoff {
  #failures = 0;
  #nextAttemptAtMs = 0;

  constructor(private readonly options: BackoffOptions) {}

  get consecutiveFailures(): number {
    return this.#failures;
  }

  get nextAttemptAtMs(): number {
    return this.#nextAttemptAtMs;
  }

  isDue(nowMs: number): boolean {
    return nowMs >= this.#nextAttemptAtMs;
  }

  /** Schedules the next attempt after a success (`nextAtMs`: the next period boundary). */
  succeeded(nextAtMs: number): void {
    this.#failures = 0;
    this.#nextAttemptAtMs = nextAtMs;
  }

  /** Returns the delay chosen. */
  failed(nowMs: number): number {
    this.#failures += 1;
    const { baseMs, capMs, random = Math.random } = this.options;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(this.#failures - 1, 30));
    const delayMs = Math.max(1, Math.round(ceiling * (0.5 + random() * 0.5)));
    this.#nextAttemptAtMs = nowMs + delayMs;
    return delayMs;
  }
}

/**
 * The per-instance IAM authentication budget.
 *
 * A token bucket: it refills continuously at `ratePerSecond` and holds at most
 * one second of tokens, so a sustained load gets `ratePerSecond` logins per
 * second and an idle instance absorbs one second's worth at once. AWS does
 * not publish how RDS meters the ~200/s IAM limit; token buckets are how AWS
 * documents throttling of its own APIs (e.g. EC2's request throttling), and
 * unlike a fixed window they do not let 2× the rate through at a window edge
 * followed by a hard stop. Time comes from the caller so tests can freeze it.
 */
export class TokenBucket {
  #ratePerSecond: number;
  #tokens: number;
  #lastRefillMs: number;

  constructor(ratePerSecond: number, nowMs: number) {
    this.#ratePerSecond = checkedRate(ratePerSecond);
    this.#tokens = this.#capacity();
    this.#lastRefillMs = nowMs;
  }

  get ratePerSecond(): number {
    return this.#ratePerSecond;
  }

  /** Takes one token; false means this authentication is throttled. */
  tryTake(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes effect at once: lowering it drops tokens above the new one-second capacity. */
  setRatePerSecond(ratePerSecond: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#ratePerSecond = checkedRate(ratePerSecond);
    this.#tokens = Math.min(this.#tokens, this.#capacity());
  }

  #capacity(): number {
    // A rate below 1/s still admits one login once a token has accrued.
    return this.#ratePerSecond === 0 ? 0 : Math.max(1, this.#ratePerSecond);
  }

  #refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.#lastRefillMs);
    this.#lastRefillMs = Math.max(this.#lastRefillMs, nowMs);
    this.#tokens = Math.min(this.#capacity(), this.#tokens + (elapsedMs * this.#ratePerSecond) / 1000);
  }
}

function checkedRate(ratePerSecond: number): number {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0) {
    throw new RangeError(`authRatePerSecond must be a finite number ≥ 0, got ${ratePerSecond}`);
  }
  return ratePerSecond;
}

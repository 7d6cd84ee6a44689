/**
 * Events per second over the last 1 s and 10 s, for "how fast are we
 * authenticating right now". Keeps one timestamp per event for 10 s.
 */
export class SlidingRate {
  readonly #timestampsMs: number[] = [];
  #head = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly horizonMs = 10_000,
  ) {}

  record(): void {
    this.#timestampsMs.push(this.now());
    this.#prune();
  }

  /** Events per second over the last `windowMs` (at most the 10 s horizon). */
  perSecond(windowMs: number): number {
    this.#prune();
    const since = this.now() - Math.min(windowMs, this.horizonMs);
    let count = 0;
    for (let i = this.#timestampsMs.length - 1; i >= this.#head; i -= 1) {
      if ((this.#timestampsMs[i] as number) <= since) break;
      count += 1;
    }
    return (count * 1000) / windowMs;
  }

  #prune(): void {
    const since = this.now() - this.horizonMs;
    while (this.#head < this.#timestampsMs.length && (this.#timestampsMs[this.#head] as number) <= since)
      this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#timestampsMs.length) {
      this.#timestampsMs.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

// A per-second count ring: one slot per second for the last `capacitySeconds` (an hour by
// default). Writes are O(1) per second touched; reads are O(seconds read). Counts are
// whole numbers (Uint32: 4 bytes a slot, 14 kB an hour), so sums stay exact.

export const SECOND_MS = 1_000;
export const HOUR_SECONDS = 3_600;

/** One second of a series: `count` events in [timeMs, timeMs + 1 s), i.e. a rate per second. */
export interface SecondPoint {
  readonly timeMs: number;
  readonly count: number;
}

/** One step of `range()`: [startMs, startMs + stepMs). */
export interface RangePoint {
  readonly startMs: number;
  readonly sum: number;
  /** sum ÷ held seconds (0 when none is held). */
  readonly averagePerSecond: number;
  readonly peakPerSecond: number;
  /** Seconds of the step the series still holds (fewer near the retention edge). */
  readonly seconds: number;
}

export function secondOf(timeMs: number): number {
  return Math.floor(timeMs / SECOND_MS);
}

export class SecondSeries {
  readonly capacitySeconds: number;
  readonly #slots: Uint32Array;
  #latestSecond = Number.NEGATIVE_INFINITY;

  constructor(capacitySeconds: number = HOUR_SECONDS) {
    if (!Number.isInteger(capacitySeconds) || capacitySeconds < 1) {
      throw new RangeError(`capacitySeconds must be a positive integer, got ${capacitySeconds}`);
    }
    this.capacitySeconds = capacitySeconds;
    this.#slots = new Uint32Array(capacitySeconds);
  }

  /** True until the first write: `latestSecond` and `oldestSecond` are then -Infinity. */
  get isEmpty(): boolean {
    return this.#latestSecond === Number.NEGATIVE_INFINITY;
  }

  /** The newest second written to (-Infinity while empty). Later seconds read as 0. */
  get latestSecond(): number {
    return this.#latestSecond;
  }

  /** The oldest second still held; earlier seconds are gone (-Infinity while empty). */
  get oldestSecond(): number {
    return this.#latestSecond - this.capacitySeconds + 1;
  }

  #index(second: number): number {
    const index = second % this.capacitySeconds;
    return index < 0 ? index + this.capacitySeconds : index;
  }

  /** Moves the head to `second`, zeroing the slots it passes (at most one lap). */
  advanceTo(second: number): void {
    const latest = this.#latestSecond;
    if (second <= latest) return;
    if (!this.isEmpty) {
      if (second - latest >= this.capacitySeconds) {
        this.#slots.fill(0);
      } else {
        for (let s = latest + 1; s <= second; s++) this.#slots[this.#index(s)] = 0;
      }
    }
    this.#latestSecond = second;
  }

  /** Adds `count` (a whole number) at `second`; false when that second is no longer held. */
  addAt(second: number, count: number): boolean {
    this.advanceTo(second);
    if (second < this.oldestSecond) return false;
    if (count > 0) {
      const index = this.#index(second);
      this.#slots[index] = (this.#slots[index] ?? 0) + count;
    }
    return true;
  }

  /** The count in `second`, or 0 when it is not held. */
  countAt(second: number): number {
    if (second < this.oldestSecond || second > this.#latestSecond) return 0;
    return this.#slots[this.#index(second)] ?? 0;
  }

  /** Events per second in the second containing `timeMs`. */
  rateAt(timeMs: number): number {
    return this.countAt(secondOf(timeMs));
  }

  /** Sum over seconds [fromSecond, toSecond). */
  sumSeconds(fromSecond: number, toSecond: number): number {
    const start = Math.max(fromSecond, this.oldestSecond);
    const end = Math.min(toSecond, this.#latestSecond + 1);
    let sum = 0;
    for (let s = start; s < end; s++) sum += this.#slots[this.#index(s)] ?? 0;
    return sum;
  }

  /**
   * Average per second over the `windowSeconds` whole seconds before the one containing
   * `endMs`. Pass `nowMs - settleMs` to let heartbeats still in flight land first.
   */
  windowAverage(endMs: number, windowSeconds: number): number {
    if (windowSeconds <= 0) return 0;
    const end = secondOf(endMs);
    return this.sumSeconds(end - windowSeconds, end) / windowSeconds;
  }

  /** The busiest held second in [fromMs, toMs) (by containing second), earliest on ties. */
  peak(fromMs: number, toMs: number): SecondPoint | undefined {
    const start = Math.max(secondOf(fromMs), this.oldestSecond);
    const end = secondOf(toMs);
    if (start >= end) return undefined;
    let bestSecond = start;
    let bestCount = this.countAt(start);
    const last = Math.min(end, this.#latestSecond + 1);
    for (let s = start + 1; s < last; s++) {
      const value = this.#slots[this.#index(s)] ?? 0;
      if (value > bestCount) {
        bestCount = value;
        bestSecond = s;
      }
    }
    return { timeMs: bestSecond * SECOND_MS, count: bestCount };
  }

  /** Every held second in [fromMs, toMs), zeros included (input for downsampling). */
  points(fromMs: number, toMs: number): SecondPoint[] {
    const out: SecondPoint[] = [];
    const end = secondOf(toMs);
    for (let s = Math.max(secondOf(fromMs), this.oldestSecond); s < end; s++) {
      out.push({ timeMs: s * SECOND_MS, count: this.countAt(s) });
    }
    return out;
  }

  /**
   * Steps of `stepMs` (a whole number of seconds) from the second containing `fromMs`
   * up to the one containing `toMs`; the last step may be shorter.
   */
  range(fromMs: number, toMs: number, stepMs: number): RangePoint[] {
    if (!Number.isInteger(stepMs / SECOND_MS) || stepMs <= 0) {
      throw new RangeError(`stepMs must be a positive multiple of ${SECOND_MS}, got ${stepMs}`);
    }
    const stepSeconds = stepMs / SECOND_MS;
    const end = secondOf(toMs);
    const oldest = this.oldestSecond;
    const out: RangePoint[] = [];
    for (let start = secondOf(fromMs); start < end; start += stepSeconds) {
      const stepEnd = Math.min(start + stepSeconds, end);
      let sum = 0;
      let peakPerSecond = 0;
      const firstHeld = Math.max(start, oldest);
      for (let s = firstHeld; s < stepEnd; s++) {
        const value = this.countAt(s);
        sum += value;
        if (value > peakPerSecond) peakPerSecond = value;
      }
      const seconds = Math.max(0, stepEnd - firstHeld);
      out.push({
        startMs: start * SECOND_MS,
        sum,
        averagePerSecond: seconds > 0 ? sum / seconds : 0,
        peakPerSecond,
        seconds,
      });
    }
    return out;
  }
}

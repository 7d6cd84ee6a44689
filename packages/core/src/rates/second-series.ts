// A per-second count ring: one slot per second for the last `capacitySeconds` (an hour by
// default). Writes are O(1) per second touched; reads are O(seconds read). Counts are
// whole numbers (Uint32), so sums stay exact. The ring is kept in pages of a minute, packed
// in one slab: a page is taken on its first count and freed when the head passes its last
// one, and the slab doubles when full and halves when three quarters are free. A node quiet
// most of the hour holds a few pages instead of 14 kB, one that heard nothing for a lap holds
// none, and one busy all hour about what a plain ring would (14.6 kB).

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

/** Seconds per page: the ring is held a page at a time, only where it has counts. */
export const PAGE_SECONDS = 60;
/** A page in the slab: its seconds, then how many of them are non-zero. */
const PAGE_SLOTS = PAGE_SECONDS + 1;
const NO_PAGE = -1;

export class SecondSeries {
  readonly capacitySeconds: number;
  /** The pages that hold counts, packed; a free page is all zeros. Undefined while every second is zero. */
  #slab: Uint32Array | undefined;
  /** Where each page of the ring sits in the slab, or NO_PAGE. */
  #slotOf: Int32Array | undefined;
  #livePages = 0;
  #latestSecond = Number.NEGATIVE_INFINITY;

  constructor(capacitySeconds: number = HOUR_SECONDS) {
    if (!Number.isInteger(capacitySeconds) || capacitySeconds < 1) {
      throw new RangeError(`capacitySeconds must be a positive integer, got ${capacitySeconds}`);
    }
    this.capacitySeconds = capacitySeconds;
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

  /** Seconds of room the series holds now (whole pages; 0 while every held second is zero). */
  get allocatedSeconds(): number {
    return this.#slab === undefined ? 0 : (this.#slab.length / PAGE_SLOTS) * PAGE_SECONDS;
  }

  #index(second: number): number {
    const index = second % this.capacitySeconds;
    return index < 0 ? index + this.capacitySeconds : index;
  }

  /** The count in a held second (no bounds check). */
  #read(second: number): number {
    const slotOf = this.#slotOf;
    if (slotOf === undefined || this.#slab === undefined) return 0;
    const index = this.#index(second);
    const slot = slotOf[Math.floor(index / PAGE_SECONDS)] ?? NO_PAGE;
    return slot === NO_PAGE ? 0 : (this.#slab[slot * PAGE_SLOTS + (index % PAGE_SECONDS)] ?? 0);
  }

  #add(second: number, count: number): void {
    const index = this.#index(second);
    const pageIndex = Math.floor(index / PAGE_SECONDS);
    let slot = this.#slotOf?.[pageIndex] ?? NO_PAGE;
    if (slot === NO_PAGE) slot = this.#allocate(pageIndex);
    const slab = this.#slab;
    if (slab === undefined) return;
    const at = slot * PAGE_SLOTS + (index % PAGE_SECONDS);
    const before = slab[at] ?? 0;
    slab[at] = before + count;
    const after = slab[at] ?? 0;
    if (before === 0 && after !== 0)
      slab[slot * PAGE_SLOTS + PAGE_SECONDS] = (slab[slot * PAGE_SLOTS + PAGE_SECONDS] ?? 0) + 1;
    else if (before !== 0 && after === 0) this.#release(pageIndex, slot);
  }

  /** A free slab page for ring page `pageIndex`, the slab doubling (up to the whole ring) when none is. */
  #allocate(pageIndex: number): number {
    const pages = Math.ceil(this.capacitySeconds / PAGE_SECONDS);
    const slotOf = (this.#slotOf ??= new Int32Array(pages).fill(NO_PAGE));
    const slab = this.#slab;
    const held = slab === undefined ? 0 : slab.length / PAGE_SLOTS;
    let slot = 0; // a free page counts no non-zero second
    while (slot < held && slab?.[slot * PAGE_SLOTS + PAGE_SECONDS] !== 0) slot++;
    if (slot === held) {
      const grown = new Uint32Array(Math.min(pages, Math.max(1, held * 2)) * PAGE_SLOTS);
      if (slab !== undefined) grown.set(slab);
      this.#slab = grown;
    }
    slotOf[pageIndex] = slot;
    this.#livePages += 1;
    return slot;
  }

  /** Zeroes one second; its page is freed when that was its last non-zero one. */
  #clear(second: number): void {
    const slotOf = this.#slotOf;
    const slab = this.#slab;
    if (slotOf === undefined || slab === undefined) return;
    const index = this.#index(second);
    const pageIndex = Math.floor(index / PAGE_SECONDS);
    const slot = slotOf[pageIndex] ?? NO_PAGE;
    if (slot === NO_PAGE) return;
    const at = slot * PAGE_SLOTS + (index % PAGE_SECONDS);
    if (slab[at] === 0) return;
    slab[at] = 0;
    this.#release(pageIndex, slot);
  }

  /** One non-zero second of the page in `slot` became zero. */
  #release(pageIndex: number, slot: number): void {
    const slab = this.#slab;
    const slotOf = this.#slotOf;
    if (slab === undefined || slotOf === undefined) return;
    const live = (slab[slot * PAGE_SLOTS + PAGE_SECONDS] ?? 1) - 1;
    slab[slot * PAGE_SLOTS + PAGE_SECONDS] = live;
    if (live > 0) return;
    slotOf[pageIndex] = NO_PAGE;
    this.#livePages -= 1;
    if (this.#livePages === 0) this.#empty();
    else if (this.#livePages * 4 <= slab.length / PAGE_SLOTS) this.#compact(slab, slotOf);
  }

  /** Moves the live pages into a slab twice their number (after a burst has left the ring). */
  #compact(slab: Uint32Array, slotOf: Int32Array): void {
    const next = new Uint32Array(this.#livePages * 2 * PAGE_SLOTS);
    let to = 0;
    for (let pageIndex = 0; pageIndex < slotOf.length; pageIndex++) {
      const from = slotOf[pageIndex] ?? NO_PAGE;
      if (from === NO_PAGE) continue;
      next.set(slab.subarray(from * PAGE_SLOTS, (from + 1) * PAGE_SLOTS), to * PAGE_SLOTS);
      slotOf[pageIndex] = to;
      to += 1;
    }
    this.#slab = next;
  }

  #empty(): void {
    this.#slab = undefined;
    this.#slotOf = undefined;
    this.#livePages = 0;
  }

  /** Moves the head to `second`, zeroing the slots it passes (at most one lap). */
  advanceTo(second: number): void {
    const latest = this.#latestSecond;
    if (second <= latest) return;
    if (this.#slab !== undefined) {
      if (second - latest >= this.capacitySeconds) {
        this.#empty();
      } else {
        for (let s = latest + 1; s <= second && this.#slab !== undefined; s++) this.#clear(s);
      }
    }
    this.#latestSecond = second;
  }

  /** Adds `count` (a whole number) at `second`; false when that second is no longer held. */
  addAt(second: number, count: number): boolean {
    this.advanceTo(second);
    if (second < this.oldestSecond) return false;
    if (count > 0) this.#add(second, count);
    return true;
  }

  /** The count in `second`, or 0 when it is not held. */
  countAt(second: number): number {
    if (second < this.oldestSecond || second > this.#latestSecond) return 0;
    return this.#read(second);
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
    if (this.#slab === undefined) return sum;
    for (let s = start; s < end; s++) sum += this.#read(s);
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
      const value = this.#read(s);
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

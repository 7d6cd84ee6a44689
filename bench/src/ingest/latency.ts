/** Latencies in milliseconds, kept whole (a run holds at most a few hundred thousand): exact quantiles, no bucketing. */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private size = 0;
  private isSorted = true;

  get count(): number {
    return this.size;
  }

  record(latencyMs: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size] = latencyMs;
    this.size += 1;
    this.isSorted = false;
  }

  /** Nearest-rank quantile (q in 0..1), or null without samples. */
  quantile(q: number): number | null {
    if (this.size === 0) return null;
    const view = this.samples.subarray(0, this.size);
    if (!this.isSorted) {
      view.sort();
      this.isSorted = true;
    }
    return view[Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1))] ?? null;
  }

  max(): number | null {
    return this.quantile(1);
  }

  /** The samples, to send to another process (generator.ts). */
  toArray(): number[] {
    return Array.from(this.samples.subarray(0, this.size));
  }

  /** Adds another recorder's samples (from `toArray`). */
  recordAll(latenciesMs: readonly number[]): void {
    for (const latencyMs of latenciesMs) this.record(latencyMs);
  }
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
export const roundOrNull = (n: number | null, digits = 2): number | null => (n === null ? null : round(n, digits));

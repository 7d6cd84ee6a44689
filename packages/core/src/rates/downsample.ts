import type { SecondPoint } from './second-series';

// Per-second points → 10 s rows (kept a day) → 1 min rows (kept 30 days), for
// persistence. A row keeps enough to re-aggregate exactly: sum, max and how many
// seconds it covers (so average = sum / count, and rows roll up into larger rows).

export interface BucketRow {
  readonly bucketStartMs: number;
  /** Events in the bucket. */
  readonly sum: number;
  /** The busiest second's count: a peak rate per second. */
  readonly max: number;
  /** Seconds observed in the bucket (fewer than its width at the series' edges). */
  readonly count: number;
}

export interface DownsampleTier {
  readonly bucketMs: number;
  readonly retentionMs: number;
}

const DAY_MS = 86_400_000;
export const TEN_SECOND_TIER: DownsampleTier = Object.freeze({ bucketMs: 10_000, retentionMs: DAY_MS });
export const ONE_MINUTE_TIER: DownsampleTier = Object.freeze({ bucketMs: 60_000, retentionMs: 30 * DAY_MS });

function assertBucketMs(bucketMs: number): void {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0)
    throw new RangeError(`bucketMs must be a positive integer, got ${bucketMs}`);
}

/** The start of the bucket holding `timeMs` (buckets are aligned to the epoch). */
export function bucketStartOf(timeMs: number, bucketMs: number): number {
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

function sortedRows(byStart: Map<number, { sum: number; max: number; count: number }>): BucketRow[] {
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucketStartMs, row]) => ({ bucketStartMs, sum: row.sum, max: row.max, count: row.count }));
}

/** Rolls per-second points (any order) into rows of `bucketMs`, sorted by start. */
export function rollUpSeconds(points: readonly SecondPoint[], bucketMs: number): BucketRow[] {
  // A second is a one-second row whose sum and max are its count.
  return rollUpRows(
    points.map((point) => ({ bucketStartMs: point.timeMs, sum: point.count, max: point.count, count: 1 })),
    bucketMs,
  );
}

/** Rolls rows into wider rows (10 s → 1 min); `bucketMs` should be a multiple of theirs. */
export function rollUpRows(rows: readonly BucketRow[], bucketMs: number): BucketRow[] {
  assertBucketMs(bucketMs);
  const byStart = new Map<number, { sum: number; max: number; count: number }>();
  for (const source of rows) {
    const start = bucketStartOf(source.bucketStartMs, bucketMs);
    const row = byStart.get(start);
    if (row === undefined) byStart.set(start, { sum: source.sum, max: source.max, count: source.count });
    else {
      row.sum += source.sum;
      row.max = Math.max(row.max, source.max);
      row.count += source.count;
    }
  }
  return sortedRows(byStart);
}

/** Rows whose bucket starts before this are past the tier's retention (delete them). */
export function retentionCutoffMs(nowMs: number, tier: DownsampleTier): number {
  return bucketStartOf(nowMs - tier.retentionMs, tier.bucketMs);
}

/**
 * The whole buckets, from `sinceMs` (the end of the last one persisted) to the last one
 * that ended at least `settleMs` ago, or undefined when none is ready. Waiting `settleMs`
 * lets heartbeats covering a bucket's last second arrive before it is written.
 */
export function completedBucketRange(
  sinceMs: number,
  nowMs: number,
  bucketMs: number,
  settleMs: number,
): { readonly fromMs: number; readonly toMs: number } | undefined {
  assertBucketMs(bucketMs);
  const fromMs = Math.ceil(sinceMs / bucketMs) * bucketMs;
  const toMs = bucketStartOf(nowMs - settleMs, bucketMs);
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

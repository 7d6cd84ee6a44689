import type { RatePoint, RateResolution } from '@iamroll/contracts';
import { bucketStartOf, type BucketRow, type SecondPoint } from '@iamroll/core/rates';
import { AppError } from '../../errors';

// Pure arithmetic of a rate query: which resolution serves a range, which step, and how
// buckets fold into points. The service supplies the buckets (memory or rate_samples).

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 15 * 60_000;
/** Points when the caller gives no step: enough for a chart, cheap to send. */
const AUTO_POINTS = 720;
const MAX_POINTS = 10_000;

export interface RangeRequest {
  readonly fromMs: number;
  /** The end (exclusive), rounded down to the resolution. */
  readonly toMs: number;
  readonly resolution: RateResolution;
  readonly stepMs: number;
  /** The first step's start: `fromMs` rounded down to the resolution. */
  readonly startMs: number;
}

/** ISO 8601 or epoch milliseconds; undefined when absent. */
export function parseTime(value: string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new AppError('validation', `${path} must be an ISO 8601 timestamp or epoch milliseconds.`, [
      { path, message: 'is not a time' },
    ]);
  }
  return ms;
}

/**
 * Seconds of the last hour are in memory (1 s) from `memoryFromMs` on; older ones come
 * from rate_samples: 10 s buckets for a day, 1 min buckets for 30 days.
 */
export function planRange(
  query: { from?: string; to?: string; step?: number },
  nowMs: number,
  memoryFromMs: number,
): RangeRequest {
  const toMs = parseTime(query.to, 'query.to') ?? nowMs;
  const fromMs = parseTime(query.from, 'query.from') ?? toMs - DEFAULT_SPAN_MS;
  if (fromMs >= toMs)
    throw new AppError('validation', 'query.from must be before query.to.', [
      { path: 'query.from', message: 'is not before query.to' },
    ]);
  const resolution: RateResolution = fromMs >= memoryFromMs ? 1 : fromMs >= nowMs - DAY_MS ? 10 : 60;
  const spanSeconds = Math.ceil((toMs - fromMs) / 1000);
  const wantedSeconds = query.step ?? Math.max(1, Math.ceil(spanSeconds / AUTO_POINTS));
  const stepSeconds = Math.ceil(wantedSeconds / resolution) * resolution;
  if (spanSeconds / stepSeconds > MAX_POINTS) {
    throw new AppError(
      'validation',
      `That is more than ${MAX_POINTS} points: use a step of at least ${Math.ceil(spanSeconds / MAX_POINTS)} s or a shorter range.`,
      [{ path: 'query.step', message: 'is too small for the range' }],
    );
  }
  const resolutionMs = resolution * 1000;
  const startMs = bucketStartOf(fromMs, resolutionMs);
  // Whole buckets only: the one still filling (the current second, 10 s or minute) is left out.
  const endMs = Math.max(bucketStartOf(toMs, resolutionMs), startMs + resolutionMs);
  return { fromMs, toMs: endMs, resolution, stepMs: stepSeconds * 1000, startMs };
}

/** Per-second points as 1 s buckets. */
export function secondBuckets(points: readonly SecondPoint[]): BucketRow[] {
  return points.map((point) => ({ bucketStartMs: point.timeMs, sum: point.count, max: point.count, count: 1 }));
}

/** Folds buckets (any order, missing ones are zero) into one point per step of the range. */
export function foldIntoPoints(range: RangeRequest, buckets: readonly BucketRow[]): RatePoint[] {
  const steps = Math.max(1, Math.ceil((range.toMs - range.startMs) / range.stepMs));
  const sums = new Float64Array(steps);
  const peaks = new Float64Array(steps);
  for (const bucket of buckets) {
    const index = Math.floor((bucket.bucketStartMs - range.startMs) / range.stepMs);
    if (index < 0 || index >= steps) continue;
    sums[index] = (sums[index] ?? 0) + bucket.sum;
    peaks[index] = Math.max(peaks[index] ?? 0, bucket.max);
  }
  const points: RatePoint[] = [];
  for (let index = 0; index < steps; index++) {
    const t = range.startMs + index * range.stepMs;
    // The last step may end early (at `to`): average over the seconds it covers.
    const coveredSeconds = Math.max(1, Math.ceil((Math.min(t + range.stepMs, range.toMs) - t) / 1000));
    points.push({ t, rate: (sums[index] ?? 0) / coveredSeconds, peak: peaks[index] ?? 0 });
  }
  return points;
}

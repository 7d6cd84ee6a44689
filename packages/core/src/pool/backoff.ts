export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseDelayMs: number;
  /** No delay ceiling grows beyond this. */
  readonly maxDelayMs: number;
}

/**
 * RDS counts the IAM budget per second: a first retry well under a second
 * would likely land in the same busy second.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 8000 };

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per retry up to
 * the maximum; the delay is uniform in [ceiling/2, ceiling], so retriers spread
 * out yet none comes straight back.
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(retry) || retry < 1) throw new RangeError('retry counts from 1');
  const ceilingMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return ceilingMs / 2 + random() * (ceilingMs / 2);
}

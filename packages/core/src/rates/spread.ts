import { SECOND_MS, secondOf, type SecondSeries } from './second-series';

/**
 * Adds `count` events that happened somewhere in [fromMs, toMs) to every series in
 * `targets` (a node's series and its database's totals), spread over the seconds of the
 * interval in proportion to how much of each second it covers. Whole counts are dealt
 * out by cumulative rounding, so the seconds add up to exactly `count`, and every
 * target receives exactly the same per-second counts: a database series written this
 * way stays the sum of its nodes' series.
 *
 * Work is O(seconds covered), capped at one lap of the ring: the part of a long gap
 * older than what the series hold is dropped. Returns the count placed.
 */
export function addSpread(targets: readonly SecondSeries[], count: number, fromMs: number, toMs: number): number {
  if (!(count > 0) || targets.length === 0) return 0;
  const startMs = Math.min(fromMs, toMs);
  const lastSecond = toMs > startMs ? Math.ceil(toMs / SECOND_MS) - 1 : secondOf(toMs);

  let oldest = Number.NEGATIVE_INFINITY;
  for (const target of targets) {
    target.advanceTo(lastSecond);
    oldest = Math.max(oldest, target.oldestSecond);
  }
  const firstSecond = Math.max(secondOf(startMs), oldest);
  if (firstSecond > lastSecond) return 0;

  const whole = Math.round(count);
  if (firstSecond === lastSecond && secondOf(startMs) === lastSecond) {
    for (const target of targets) target.addAt(lastSecond, whole);
    return whole;
  }

  const durationMs = toMs - startMs;
  // Events already dealt out up to the end of second s = round(whole × covered fraction).
  let dealt = Math.round((whole * Math.max(0, firstSecond * SECOND_MS - startMs)) / durationMs);
  const skipped = dealt;
  for (let s = firstSecond; s <= lastSecond; s++) {
    const coveredMs = s === lastSecond ? durationMs : (s + 1) * SECOND_MS - startMs;
    const upTo = Math.round((whole * coveredMs) / durationMs);
    const inSecond = upTo - dealt;
    dealt = upTo;
    if (inSecond > 0) for (const target of targets) target.addAt(s, inSecond);
  }
  return whole - skipped;
}

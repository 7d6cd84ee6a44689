import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the base, caps, and jitters within [0.5, 1) of the ceiling', () => {
    const low = new Backoff({ baseMs: 1000, capMs: 8000, random: () => 0 });
    const high = new Backoff({ baseMs: 1000, capMs: 8000, random: () => 0.999 });
    const lows = [1, 2, 3, 4, 5, 6].map(() => low.failed(0));
    const highs = [1, 2, 3, 4, 5, 6].map(() => high.failed(0));
    expect(lows).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(highs).toEqual([1000, 1999, 3998, 7996, 7996, 7996]);
  });

  it('is due again only at the chosen time, and a success resets it', () => {
    const backoff = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 0.5 });
    backoff.failed(10_000);
    expect(backoff.isDue(10_749)).toBe(false);
    expect(backoff.isDue(10_750)).toBe(true);
    backoff.succeeded(20_000);
    expect(backoff.consecutiveFailures).toBe(0);
    expect(backoff.isDue(19_999)).toBe(false);
    expect(backoff.failed(20_000)).toBe(750);
  });
});

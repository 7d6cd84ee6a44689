import { describe, expect, it } from 'vitest';
import { SlidingRate } from './sliding-rate';

function clocked() {
  let nowMs = 1_000_000;
  const rate = new SlidingRate(() => nowMs);
  return { rate, advance: (ms: number) => (nowMs += ms) };
}

describe('SlidingRate', () => {
  it('counts events of the last second per second', () => {
    const { rate, advance } = clocked();
    for (let i = 0; i < 50; i += 1) {
      rate.record();
      advance(10);
    }
    expect(rate.perSecond(1000)).toBe(50);
  });

  it('averages the last ten seconds', () => {
    const { rate, advance } = clocked();
    for (let i = 0; i < 100; i += 1) rate.record();
    advance(5000);
    expect(rate.perSecond(10_000)).toBe(10);
    expect(rate.perSecond(1000)).toBe(0);
  });

  it('forgets events older than ten seconds', () => {
    const { rate, advance } = clocked();
    for (let i = 0; i < 3000; i += 1) rate.record();
    advance(10_001);
    rate.record();
    expect(rate.perSecond(10_000)).toBe(0.1);
  });
});

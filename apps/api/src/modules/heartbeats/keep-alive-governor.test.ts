import { describe, expect, it } from 'vitest';
import { createKeepAliveGovernor, GOVERNOR_WINDOW_SECONDS } from './keep-alive-governor';

/** A governor fed the utilisation `u` says, ticked once a second on a clock of its own. */
function drivenGovernor(baseMs = 10_000, maxMs = 30_000) {
  let u = 0;
  let nowMs = 0;
  const governor = createKeepAliveGovernor({ baseMs, maxMs, sampleUtilisation: () => u });
  return {
    governor,
    /** `seconds` ticks at utilisation `utilisation`; returns the keep-alive after each. */
    run: (utilisation: number, seconds: number): number[] => {
      u = utilisation;
      return Array.from({ length: seconds }, () => {
        nowMs += 1_000;
        governor.tick(nowMs);
        return governor.keepAliveMs;
      });
    },
  };
}

describe('the keep-alive governor', () => {
  it('keeps the configured keep-alive while the loop has room', () => {
    const { run } = drivenGovernor();
    expect(run(0.7, 30)).toEqual(Array(30).fill(10_000));
  });

  it('lengthens it a step a second once the window is busy, up to the maximum', () => {
    const { governor, run } = drivenGovernor();
    // A window's worth of samples before it judges at all: one busy second is not a busy loop.
    expect(run(0.9, GOVERNOR_WINDOW_SECONDS - 1)).toEqual(Array(GOVERNOR_WINDOW_SECONDS - 1).fill(10_000));
    expect(run(0.9, 4)).toEqual([15_000, 23_000, 30_000, 30_000]);
    expect(governor.utilisation).toBeCloseTo(0.9);
  });

  it('holds between the two marks, and steps back only after every idle node has heard the change', () => {
    const { run } = drivenGovernor();
    run(0.9, 7); // at 30 s, raised in the last three ticks
    expect(run(0.6, 40).every((ms) => ms === 30_000)).toBe(true);
    // Calm now, and the last change is more than 30 s old: down a step a second, to the configured one.
    // (The first calm second still leaves the window's average at 0.52.)
    expect(run(0.2, 6)).toEqual([30_000, 20_000, 13_000, 10_000, 10_000, 10_000]);
  });

  it('does not swing back within one maximum keep-alive of a change', () => {
    const { run } = drivenGovernor();
    run(0.9, 5); // raised once, to 15 s
    // The load falls at once (the change has not reached the idle nodes yet): nothing moves for 30 s.
    const calm = run(0.1, 35);
    expect(calm.slice(0, 28).every((ms) => ms === 15_000)).toBe(true);
    expect(calm.at(-1)).toBe(10_000);
  });

  it('never moves when the maximum is at or below the configured keep-alive', () => {
    const { run } = drivenGovernor(30_000, 20_000);
    expect(run(1, 20).every((ms) => ms === 30_000)).toBe(true);
  });

  it('reads utilisation outside 0–1 as its bound, and a sample that is no number as idle', () => {
    const { run } = drivenGovernor();
    expect(run(Number.NaN, 10).every((ms) => ms === 10_000)).toBe(true);
    expect(run(7, 6).at(-1)).toBeGreaterThan(10_000);
  });
});

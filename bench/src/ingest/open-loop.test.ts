import { describe, expect, it } from 'vitest';
import { STORM_ROTATE_S, phaseOf, sendsInSecond } from './open-loop';

describe('sendsInSecond: who heartbeats in each second', () => {
  it('fleet: a tenth storms every second, every other agent once per keep-alive (1,900 a second at 10,000)', () => {
    const nodes = 10_000;
    const idleSent = new Map<number, number>();
    for (let s = 0; s < STORM_ROTATE_S; s += 1) {
      const sends = sendsInSecond('fleet', nodes, s);
      expect(sends.filter((send) => send.activity === 'storm')).toHaveLength(1_000);
      expect(sends.filter((send) => send.activity === 'idle')).toHaveLength(900);
      for (const send of sends)
        if (send.activity === 'idle') idleSent.set(send.index, (idleSent.get(send.index) ?? 0) + 1);
    }
    // Over one keep-alive, each idle agent sent exactly once, and no storming one counted as idle.
    expect(idleSent.size).toBe(9_000);
    expect([...idleSent.values()].every((count) => count === 1)).toBe(true);
  });

  it('fleet: the storm moves on to the next block every STORM_ROTATE_S seconds', () => {
    const storming = (s: number) =>
      new Set(
        sendsInSecond('fleet', 1_000, s)
          .filter((send) => send.activity === 'storm')
          .map((send) => send.index),
      );
    const first = storming(0);
    expect(storming(STORM_ROTATE_S - 1)).toEqual(first);
    const next = storming(STORM_ROTATE_S);
    expect(next.size).toBe(100);
    expect([...next].some((index) => first.has(index))).toBe(false);
  });

  it('fleet: a longer keep-alive sends idle agents less often (30 s: 300 a second at 10,000)', () => {
    const sends = sendsInSecond('fleet', 10_000, 7, 30);
    expect(sends.filter((send) => send.activity === 'idle')).toHaveLength(300);
  });

  it('flat: every agent every second, in the order of their phases', () => {
    const sends = sendsInSecond('flat', 500, 3);
    expect(sends).toHaveLength(500);
    expect(new Set(sends.map((send) => send.index)).size).toBe(500);
    const phases = sends.map((send) => phaseOf(send.index));
    expect(phases.every((phase, i) => i === 0 || phase >= phases[i - 1]!)).toBe(true);
  });

  it('scatters a block of consecutive agents over the whole second', () => {
    // The storming block is consecutive indices: its sends must not bunch in one part of the second.
    const tenths = new Array<number>(10).fill(0);
    for (let index = 2_000; index < 3_000; index += 1) tenths[Math.floor(phaseOf(index) * 10)]! += 1;
    expect(Math.min(...tenths)).toBeGreaterThan(80);
    expect(Math.max(...tenths)).toBeLessThan(120);
  });
});

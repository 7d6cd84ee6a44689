import { describe, expect, it } from 'vitest';
import { benchDatabases } from './fleet';
import { STORM_ROTATE_S, phaseOf, sendsInSecond } from './open-loop';
import { SimulatedAgent, type DatabaseTarget } from './simulated-agent';

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

  it('fleet: idle agents send when the API asked them to (isIdleDue), storming ones every second', () => {
    const asked = new Set([5, 6, 7]);
    const sends = sendsInSecond('fleet', 1_000, 0, 10, (index) => asked.has(index));
    // The storm block at second 0 is agents 0–99: those send anyway; of the idle ones, only the asked.
    expect(sends.filter((send) => send.activity === 'storm')).toHaveLength(100);
    expect(sends.filter((send) => send.activity === 'idle')).toEqual([]);
    const later = sendsInSecond('fleet', 1_000, STORM_ROTATE_S * 3, 10, (index) => asked.has(index));
    expect(
      later
        .filter((send) => send.activity === 'idle')
        .map((send) => send.index)
        .sort(),
    ).toEqual([5, 6, 7]);
  });
});

describe("a simulated agent following the reply's intervalMs", () => {
  const agent = () => {
    const a = new SimulatedAgent(1, benchDatabases(1)[0] as DatabaseTarget, { intervalMs: 10_000 });
    a.enrolled({ nodeId: '00000000-0000-4000-8000-000000000001', credential: 'iamagent_x' });
    return a;
  };
  const announced = (a: SimulatedAgent) =>
    (JSON.parse(a.nextHeartbeat('idle').body) as { intervalMs: number }).intervalMs;

  it('announces a longer interval only after one more heartbeat at the one it announced (as the real agent)', () => {
    const a = agent();
    expect(announced(a)).toBe(10_000);
    expect(a.follow(30_000)).toBe(10_000);
    expect(announced(a)).toBe(30_000);
    expect(a.follow(30_000)).toBe(30_000);
  });

  it('follows a shorter one at once', () => {
    const a = agent();
    expect(a.follow(1_000)).toBe(1_000);
    expect(announced(a)).toBe(1_000);
  });
});

import { describe, expect, it } from 'vitest';
import { BackgroundLoops } from './background-loops';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = { warn: () => undefined };
/** Polls rather than trusting timer precision on a busy machine. */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(5);
}

describe('BackgroundLoops', () => {
  it('runs nothing before start, then each loop every interval after its previous run', async () => {
    const loops = new BackgroundLoops(quiet);
    let runs = 0;
    loops.every('count', 10, () => Promise.resolve(void (runs += 1)));
    await sleep(40);
    expect(runs).toBe(0);
    loops.start();
    await until(() => runs >= 2);
    await loops.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('keeps going after a failed run, and stop() waits for the run in flight', async () => {
    const warnings: string[] = [];
    const loops = new BackgroundLoops({ warn: (_object, message) => warnings.push(message) });
    let runs = 0;
    let isInFlight = false;
    loops.every('flaky', 5, async () => {
      runs += 1;
      isInFlight = true;
      await sleep(20);
      isInFlight = false;
      if (runs === 1) throw new Error('boom');
    });
    loops.start();
    await until(() => runs >= 2 && isInFlight);
    await loops.stop();
    expect(isInFlight).toBe(false);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toBe('flaky failed; retrying');
  });

  it('refuses two loops of one name', () => {
    const loops = new BackgroundLoops(quiet);
    loops.every('once', 10, () => Promise.resolve());
    expect(() => loops.every('once', 10, () => Promise.resolve())).toThrow(/already registered/);
  });
});

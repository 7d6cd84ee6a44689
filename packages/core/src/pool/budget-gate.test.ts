import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenBucketGate, unlimitedGate } from './budget-gate';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts `count` acquisitions and records the fake-clock time each one is granted. */
function startMany(gate: { acquire(signal?: AbortSignal): Promise<void> }, count: number): number[] {
  const grantedAt: number[] = [];
  for (let i = 0; i < count; i += 1) void gate.acquire().then(() => grantedAt.push(Date.now()));
  return grantedAt;
}

describe('createTokenBucketGate', () => {
  it('grants the burst at once', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 10, burst: 3 });
    const grantedAt = startMany(gate, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(grantedAt).toHaveLength(3);
    expect(gate.waitingCount).toBe(2);
  });

  it('spaces grants 1/rate apart once the burst is spent', async () => {
    const start = Date.now();
    const gate = createTokenBucketGate({ ratePerSecond: 100, burst: 1 });
    const grantedAt = startMany(gate, 4);
    await vi.advanceTimersByTimeAsync(100);
    expect(grantedAt.map((t) => t - start)).toEqual([0, 10, 20, 30]);
  });

  it('grants in arrival order', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 50, burst: 1 });
    const order: number[] = [];
    for (let i = 0; i < 5; i += 1) void gate.acquire().then(() => order.push(i));
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('never grants more than the rate in any one-second window, whatever the burst', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 400 }),
        async (ratePerSecond, burst) => {
          vi.setSystemTime(0);
          const gate = createTokenBucketGate({ ratePerSecond, burst });
          const grantedAt = startMany(gate, ratePerSecond * 3);
          await vi.advanceTimersByTimeAsync(4000);
          expect(grantedAt).toHaveLength(ratePerSecond * 3);
          for (const t of grantedAt) {
            const inWindow = grantedAt.filter((u) => u >= t && u < t + 1000).length;
            expect(inWindow).toBeLessThanOrEqual(ratePerSecond);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('catches up the slots of a late timer instead of losing them', async () => {
    const start = Date.now();
    const gate = createTokenBucketGate({ ratePerSecond: 100, burst: 10 });
    const grantedAt = startMany(gate, 80);
    await vi.advanceTimersByTimeAsync(0);
    expect(grantedAt).toHaveLength(10);
    vi.setSystemTime(start + 300); // the event loop was busy: 300 ms pass, no timer runs
    await vi.advanceTimersByTimeAsync(10); // the 10 ms timer finally fires, 300 ms late
    expect(grantedAt).toHaveLength(10 + 31);
  });

  it('lets only the burst accrue while nobody waits', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 100, burst: 10 });
    await vi.advanceTimersByTimeAsync(5000);
    const grantedAt = startMany(gate, 30);
    await vi.advanceTimersByTimeAsync(0);
    expect(grantedAt).toHaveLength(10);
  });

  it('defaults the burst to a tenth of the rate', () => {
    expect(createTokenBucketGate({ ratePerSecond: 200 })).toMatchObject({ burst: 20, maxPerSecond: 200 });
    expect(createTokenBucketGate({ ratePerSecond: 5 })).toMatchObject({ burst: 1, maxPerSecond: 5 });
  });

  it('rejects with the abort reason and frees the place in the queue', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 1 });
    await gate.acquire();
    const controller = new AbortController();
    const aborted = gate.acquire(controller.signal);
    const next = startMany(gate, 1);
    controller.abort(new Error('deadline'));
    await expect(aborted).rejects.toThrow('deadline');
    await vi.advanceTimersByTimeAsync(1000);
    expect(next).toHaveLength(1);
    expect(gate.grantedCount).toBe(2);
  });

  it('rejects at once for an already aborted signal', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 5 });
    await expect(gate.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(gate.grantedCount).toBe(0);
  });

  it('keeps no timer when nobody waits', async () => {
    const gate = createTokenBucketGate({ ratePerSecond: 1 });
    await gate.acquire();
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    [{ ratePerSecond: 0 }],
    [{ ratePerSecond: Number.NaN }],
    [{ ratePerSecond: 10, burst: 0 }],
    [{ ratePerSecond: 10, burst: 1.5 }],
  ])('refuses %o', (options) => {
    expect(() => createTokenBucketGate(options)).toThrow(RangeError);
  });
});

describe('unlimitedGate', () => {
  it('grants at once', async () => {
    await expect(unlimitedGate.acquire()).resolves.toBeUndefined();
  });
});

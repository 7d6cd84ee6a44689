import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createRequestTurns } from './request-turns';

/** A loop turn counter: a task re-queued on every check phase, so two events with the same count ran in one turn. */
function turnCounter() {
  let turn = 0;
  let isStopped = false;
  const tick = () => {
    if (isStopped) return;
    turn += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turn() {
      return turn;
    },
    stop() {
      isStopped = true;
    },
  };
}

/** Admits `count` requests at once (one poll phase), each costing `costMs` on a driven clock: the turn each ran in. */
async function turnsOf(count: number, costMs: number, sliceMs: number) {
  let clock = 0;
  const turns = createRequestTurns({ sliceMs, now: () => clock });
  const counter = turnCounter();
  const ranIn: number[] = [];
  const all = Array.from(
    { length: count },
    (_, i) =>
      new Promise<void>((resolve) =>
        turns.admit(() => {
          ranIn[i] = counter.turn;
          clock += costMs;
          resolve();
        }),
      ),
  );
  const ranAtOnce = ranIn.filter((turn) => turn !== undefined).length;
  const waitingAfterPhase = turns.waiting;
  await Promise.all(all);
  counter.stop();
  return { ranIn, ranAtOnce, waitingAfterPhase, turns };
}

describe('createRequestTurns', () => {
  it('admits requests at once until the phase has spent its slice, then serves the rest oldest first, a slice per turn', async () => {
    // 3 ms each, 5 ms slices: two fit before the clock reads 5 ms or more.
    const { ranIn, ranAtOnce, waitingAfterPhase, turns } = await turnsOf(10, 3, 5);
    expect(ranAtOnce).toBe(2);
    expect(waitingAfterPhase).toBe(8);
    // Pairs, each in a turn of its own, in arrival order.
    const pairs = [0, 2, 4, 6, 8].map((i) => [ranIn[i], ranIn[i + 1]]);
    for (const [a, b] of pairs) expect(a).toBe(b);
    const firstOfEach = pairs.map(([a]) => a as number);
    for (let i = 1; i < firstOfEach.length; i++)
      expect(firstOfEach[i], `turns ${firstOfEach.join(', ')}`).toBeGreaterThan(firstOfEach[i - 1] as number);
    expect(turns.waiting).toBe(0);
    expect(turns.deferred).toBe(8);
  });

  it('serves everything in the phase when it fits in the slice', async () => {
    const { ranAtOnce, turns } = await turnsOf(20, 0.1, 5);
    expect(ranAtOnce).toBe(20);
    expect(turns.deferred).toBe(0);
  });

  it('lets one request go per turn at least, however costly', async () => {
    const { ranIn } = await turnsOf(4, 50, 5);
    expect(new Set(ranIn).size).toBe(4);
  });

  it('lets a timer that fell due during the backlog run before the waiting requests', async () => {
    const turns = createRequestTurns({ sliceMs: 1 });
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 1);
    const all = ['a', 'b', 'c'].map(
      (name) =>
        new Promise<void>((resolve) =>
          turns.admit(() => {
            order.push(name);
            // Real work on the real clock: 2 ms, so the 1 ms timer is due and the slice is spent.
            const end = performance.now() + 2;
            while (performance.now() < end);
            resolve();
          }),
        ),
    );
    await Promise.all(all);
    expect(order).toEqual(['a', 'timer', 'b', 'c']);
  });

  it('queues a request that comes while others wait behind them, even in a fresh phase', async () => {
    let clock = 0;
    const turns = createRequestTurns({ sliceMs: 5, now: () => clock });
    const order: string[] = [];
    const admit = (name: string) =>
      new Promise<void>((resolve) =>
        turns.admit(() => {
          order.push(name);
          clock += 4;
          resolve();
        }),
      );
    // Queued from a check phase before the admissions' own: it runs in the next turn, before `c` is let go.
    let late: Promise<void> | undefined;
    let orderWhenLateCame: string[] = [];
    setImmediate(() =>
      setImmediate(() => {
        late = admit('late');
        orderWhenLateCame = [...order];
      }),
    );
    const first = [admit('a'), admit('b'), admit('c')];
    expect(order).toEqual(['a', 'b']);
    await Promise.all(first);
    await late;
    expect(orderWhenLateCame).toEqual(['a', 'b']);
    expect(order).toEqual(['a', 'b', 'c', 'late']);
    expect(turns.deferred).toBe(2);
  });
});

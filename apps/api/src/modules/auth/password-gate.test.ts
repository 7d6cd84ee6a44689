import { describe, expect, it } from 'vitest';
import { createPasswordGate } from './password-gate';

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('password gate', () => {
  it('runs at most maxConcurrent hashes, serving waiting clients round-robin', async () => {
    const gate = createPasswordGate({ maxConcurrent: 1, maxQueuedPerClient: 10 });
    const order: string[] = [];
    const first = deferred();
    const running = gate.run('noisy', async () => {
      order.push('noisy-0');
      await first.promise;
    });
    const noisy = [1, 2, 3].map((n) => gate.run('noisy', () => Promise.resolve(void order.push(`noisy-${n}`))));
    const real = gate.run('real', () => Promise.resolve(void order.push('real')));
    expect(gate.running).toBe(1);
    first.resolve();
    await Promise.all([running, ...noisy, real]);
    // The real client waited for one noisy hash, not for all of them.
    expect(order).toEqual(['noisy-0', 'noisy-1', 'real', 'noisy-2', 'noisy-3']);
  });

  it('refuses a client with too many hashes waiting', async () => {
    const gate = createPasswordGate({ maxConcurrent: 1, maxQueuedPerClient: 1 });
    const hold = deferred();
    const running = gate.run('a', () => hold.promise);
    const queued = gate.run('a', () => Promise.resolve());
    await expect(gate.run('a', () => Promise.resolve())).rejects.toMatchObject({ code: 'rate_limited' });
    hold.resolve();
    await Promise.all([running, queued]);
  });
});

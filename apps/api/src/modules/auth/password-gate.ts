import { AppError } from '../../errors';

/**
 * scrypt takes tens of milliseconds of a libuv thread and 32 MiB each. Unbounded, 64
 * parallel bogus logins fill the thread pool (FIFO), and a real login waits behind all
 * of them. Here at most `maxConcurrent` hashes run at once, and waiting work is served
 * round-robin by client: a noisy client waits behind itself, a real user waits for at
 * most one round.
 */
export const PASSWORD_HASHES_AT_ONCE = 2;
/** Per client; beyond it a login is refused at once (429) instead of queueing. */
export const PASSWORD_HASHES_QUEUED_PER_CLIENT = 8;

export interface PasswordGateOptions {
  readonly maxConcurrent?: number;
  readonly maxQueuedPerClient?: number;
}

export function createPasswordGate({
  maxConcurrent = PASSWORD_HASHES_AT_ONCE,
  maxQueuedPerClient = PASSWORD_HASHES_QUEUED_PER_CLIENT,
}: PasswordGateOptions = {}) {
  let running = 0;
  /** Insertion order is the round-robin order: a client served goes to the back. */
  const queues = new Map<string, (() => void)[]>();

  const next = () => {
    while (running < maxConcurrent && queues.size > 0) {
      const [client, queue] = queues.entries().next().value as [string, (() => void)[]];
      const start = queue.shift()!;
      queues.delete(client);
      if (queue.length > 0) queues.set(client, queue);
      running += 1;
      start();
    }
  };

  return {
    /** Runs `hash` when a slot is free, fairly among clients. */
    async run<T>(client: string, hash: () => Promise<T>): Promise<T> {
      const queue = queues.get(client) ?? [];
      if (queue.length >= maxQueuedPerClient)
        throw new AppError('rate_limited', 'Too many logins in progress from your address: wait for them to finish.');
      await new Promise<void>((resolve) => {
        queue.push(resolve);
        if (!queues.has(client)) queues.set(client, queue);
        next();
      });
      try {
        return await hash();
      } finally {
        running -= 1;
        next();
      }
    },
    get running() {
      return running;
    },
  };
}

export type PasswordGate = ReturnType<typeof createPasswordGate>;

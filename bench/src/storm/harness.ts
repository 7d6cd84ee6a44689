import { performance } from 'node:perf_hooks';

/** A connection the storm holds until every one is up (the fleet needs them all at once). */
export interface Held {
  close(): Promise<void>;
}

/** One way of opening connections: the project's pool, plain pg.Pool, the AWS wrapper. */
export interface StormPeer {
  readonly name: string;
  /** Why it cannot run here, or undefined. */
  readonly skipReason?: string;
  /** How callers treat a failed connect (naive peers retry on a fixed delay; the project's pool retries itself). */
  readonly callerRetryDelayMs: number | undefined;
  /** Opens worker `worker`'s connection; rejects on failure. */
  connect(worker: number): Promise<Held>;
  close(): Promise<void>;
}

export interface StormOutcome {
  /** performance.now() when every slot asked for its connection. */
  readonly startMs: number;
  /** Seconds from the start to each connection being up, ascending. */
  readonly upSeconds: readonly number[];
  /** Seconds from the storm's start until the last connection was up (null if some never came up). */
  readonly refillSeconds: number | null;
  readonly established: number;
  readonly failed: number;
  /** Connect calls that failed on the client side (throttled or otherwise), retried or not. */
  readonly clientFailures: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every slot asks for its connection at the same instant; a slot whose connect
 * fails retries after the peer's caller delay until the deadline. All held
 * connections are closed after the last one is up.
 */
export async function runStorm(
  peer: StormPeer,
  slots: readonly number[],
  deadlineSeconds: number,
): Promise<StormOutcome> {
  const startMs = performance.now();
  const deadlineMs = startMs + deadlineSeconds * 1000;
  const held: Held[] = [];
  const upSeconds: number[] = [];
  let lastUpMs = startMs;
  let clientFailures = 0;

  async function slot(worker: number): Promise<boolean> {
    for (;;) {
      try {
        held.push(await peer.connect(worker));
        lastUpMs = Math.max(lastUpMs, performance.now());
        upSeconds.push((lastUpMs - startMs) / 1000);
        return true;
      } catch {
        clientFailures += 1;
        if (peer.callerRetryDelayMs === undefined || performance.now() + peer.callerRetryDelayMs >= deadlineMs)
          return false;
        await sleep(peer.callerRetryDelayMs);
      }
    }
  }

  const results = await Promise.all(slots.map((worker) => slot(worker)));
  const established = results.filter(Boolean).length;
  await Promise.allSettled(held.map((h) => h.close()));
  return {
    startMs,
    upSeconds,
    refillSeconds: established === slots.length ? (lastUpMs - startMs) / 1000 : null,
    established,
    failed: slots.length - established,
    clientFailures,
  };
}

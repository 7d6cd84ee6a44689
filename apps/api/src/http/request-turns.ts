import { performance } from 'node:perf_hooks';

/**
 * Longest the requests admitted in one phase of the event loop run (ms) before the next ones wait
 * for a later turn. About a background pass's slice (yield.ts): a turn of the loop then holds at
 * most one slice of requests and one of background work.
 */
export const REQUEST_SLICE_MS = 5;
/** Requests let go by one round (one check phase) at most; a round that has more schedules the next. */
const MAX_PER_ROUND = 512;

export interface RequestTurnsOptions {
  /** Work per phase before requests wait (default REQUEST_SLICE_MS). */
  readonly sliceMs?: number;
  /** Milliseconds, monotonic (default `performance.now`): a test drives it. */
  readonly now?: () => number;
}

export interface RequestTurns {
  /** Calls `go` now, or in a later turn of the event loop when this phase has spent its slice (oldest first). */
  admit(go: () => void): void;
  /** Requests waiting for a turn now. */
  readonly waiting: number;
  /** Requests that had to wait for a turn, since start. */
  readonly deferred: number;
}

/**
 * Time-slicing for the heartbeat route, the bulk of the API's requests: a backlog of them (after a
 * garbage collection, or a burst from thousands of agents) is served over several turns of the
 * event loop, not in one long poll phase, so timers (leader lease, alarm evaluation, SSE) and
 * other requests keep their turn.
 *
 * In a poll phase, requests are admitted at once until the phase has run `sliceMs` since its first
 * admission; the rest wait in order. Each later turn's check phase lets waiting requests go one
 * per `setImmediate`, so each one's work (body parsing, validation, handler, reply: its ticks and
 * microtasks) ends before the clock is read for the next, until the turn has spent its slice. New
 * requests queue behind the waiting ones. Nothing is dropped: a request waits a few turns at most
 * while the process keeps up, and the `waiting` count shows when it does not.
 */
export function createRequestTurns(options: RequestTurnsOptions = {}): RequestTurns {
  const sliceMs = options.sliceMs ?? REQUEST_SLICE_MS;
  const now = options.now ?? (() => performance.now());
  // A FIFO with a moving head: shift() on a long array copies it.
  let queue: (() => void)[] = [];
  let head = 0;
  let deferred = 0;
  /** When this poll phase's first request was admitted; -1 when no phase is open. */
  let phaseStartMs = -1;
  /** Bumped for every round: a round's remaining immediates see they are stale and do nothing. */
  let round = 0;
  let roundStartMs = -1;
  /** Releases the scheduled round still has; 0 when none is scheduled. */
  let roundLeft = 0;

  const size = () => queue.length - head;
  const take = (): (() => void) | undefined => {
    const go = queue[head];
    head += 1;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return go;
  };

  // Immediates scheduled from a check phase run in the next turn's, after its timers and poll.
  const scheduleRound = () => {
    round += 1;
    roundStartMs = -1;
    roundLeft = Math.min(size(), MAX_PER_ROUND);
    for (let i = 0; i < roundLeft; i++) setImmediate(releaseOne, round);
  };
  const endRound = () => {
    round += 1; // its immediates not yet run do nothing
    roundLeft = 0;
    if (size() > 0) scheduleRound();
  };
  function releaseOne(ofRound: number): void {
    if (ofRound !== round) return;
    const at = now();
    if (roundStartMs < 0) roundStartMs = at;
    else if (at - roundStartMs >= sliceMs) return endRound();
    roundLeft -= 1;
    const go = take();
    if (roundLeft === 0 || size() === 0) endRound();
    go?.();
  }
  const closePhase = () => {
    phaseStartMs = -1;
    if (size() > 0 && roundLeft === 0) scheduleRound();
  };

  return {
    admit(go) {
      if (size() === 0) {
        const at = now();
        if (phaseStartMs < 0) {
          phaseStartMs = at;
          setImmediate(closePhase);
          return go();
        }
        if (at - phaseStartMs < sliceMs) return go();
      }
      queue.push(go);
      deferred += 1;
    },
    get waiting() {
      return size();
    },
    get deferred() {
      return deferred;
    },
  };
}

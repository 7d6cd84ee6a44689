import type { DatabaseSecondCounts, FleetRates } from './fleet-rates';
import { SecondSeries } from './second-series';

// Several API processes share one fleet: each folds in only the heartbeats it received, and
// publishes per second what they added to each database's series, so the others add that share
// to theirs. A process's own share of a second is what its series hold minus what peers published
// into them; what it still has to publish is that minus what it already did. Publishing the
// difference (not the heartbeats' deltas) keeps every process's per-second counts exactly the
// owner's, however FleetRates spread a delta over the seconds it covers; a second that grows after
// it was published (a late heartbeat) is published again with just the growth: a correction.

/** One second of a database's increments: what to publish, or what a peer published. */
export interface DatabaseSecondIncrement extends DatabaseSecondCounts {
  readonly second: number;
}

export interface DatabaseIncrements {
  readonly databaseId: string;
  /** Oldest first. */
  readonly seconds: readonly DatabaseSecondIncrement[];
  /** The newest throttled login this process saw for the database, when newer than the one it published. */
  readonly lastThrottledAtMs?: number;
}

interface Shadow {
  readonly attempts: SecondSeries;
  readonly iamAttempts: SecondSeries;
  readonly throttled: SecondSeries;
}

const METRICS = ['attempts', 'iamAttempts', 'throttled'] as const;

function shadowFor(capacitySeconds: number): Shadow {
  return {
    attempts: new SecondSeries(capacitySeconds),
    iamAttempts: new SecondSeries(capacitySeconds),
    throttled: new SecondSeries(capacitySeconds),
  };
}

function addTo(shadow: Shadow, increment: DatabaseSecondIncrement): void {
  for (const metric of METRICS) shadow[metric].addAt(increment.second, increment[metric]);
}

/**
 * This process's share of each database's per-second series, and what of it the peers have not
 * been sent yet. `markDirty` after a heartbeat touched seconds of a database; `pending` reads
 * the unsent increments of the dirty seconds (O(dirty seconds)); `markPublished` once they went
 * out; `applyPeer` adds a peer's increments to FleetRates and remembers them as not ours.
 */
export class OwnDatabaseCounts {
  readonly #fromPeers = new Map<string, Shadow>();
  readonly #published = new Map<string, Shadow>();
  /** Per database the seconds [from, to] (inclusive) that may hold unsent counts. */
  #dirty = new Map<string, { from: number; to: number }>();
  readonly #throttledAtMs = new Map<string, number>();
  readonly #publishedThrottledAtMs = new Map<string, number>();

  constructor(private readonly fleet: FleetRates) {}

  /** Seconds [fromSecond, toSecond] of the database took counts from a heartbeat this process received. */
  markDirty(databaseId: string, fromSecond: number, toSecond: number): void {
    const range = this.#dirty.get(databaseId);
    if (range === undefined) this.#dirty.set(databaseId, { from: fromSecond, to: toSecond });
    else {
      range.from = Math.min(range.from, fromSecond);
      range.to = Math.max(range.to, toSecond);
    }
  }

  /** A heartbeat this process received reported a throttled login for the database at `atMs`. */
  noteThrottledAt(databaseId: string, atMs: number): void {
    this.#throttledAtMs.set(databaseId, Math.max(this.#throttledAtMs.get(databaseId) ?? atMs, atMs));
  }

  /** Some database took counts since the last `pending` (a throttle always marks its second). */
  get hasDirty(): boolean {
    return this.#dirty.size > 0;
  }

  /**
   * The increments not yet published, and forgets the dirty marks (a failed send marks them
   * again with `restore`). Nothing is counted as published until `markPublished`.
   */
  pending(): DatabaseIncrements[] {
    const dirty = this.#dirty;
    this.#dirty = new Map();
    const out: DatabaseIncrements[] = [];
    for (const [databaseId, range] of dirty) {
      const database = this.fleet.database(databaseId);
      if (database === undefined) continue;
      const peers = this.#fromPeers.get(databaseId);
      const published = this.#published.get(databaseId);
      const from = Math.max(range.from, database.attempts.oldestSecond, database.throttled.oldestSecond);
      const seconds: DatabaseSecondIncrement[] = [];
      for (let second = from; second <= range.to; second++) {
        const unsent = (metric: (typeof METRICS)[number]) =>
          Math.max(
            0,
            database[metric].countAt(second) -
              (peers?.[metric].countAt(second) ?? 0) -
              (published?.[metric].countAt(second) ?? 0),
          );
        const increment = {
          second,
          attempts: unsent('attempts'),
          iamAttempts: unsent('iamAttempts'),
          throttled: unsent('throttled'),
        };
        if (increment.attempts > 0 || increment.iamAttempts > 0 || increment.throttled > 0) seconds.push(increment);
      }
      const throttledAtMs = this.#throttledAtMs.get(databaseId);
      const isNewThrottle =
        throttledAtMs !== undefined && throttledAtMs > (this.#publishedThrottledAtMs.get(databaseId) ?? -Infinity);
      if (seconds.length > 0 || isNewThrottle)
        out.push({ databaseId, seconds, ...(isNewThrottle ? { lastThrottledAtMs: throttledAtMs } : {}) });
    }
    return out;
  }

  /** What `pending` returned went out: later reads count it as sent. */
  markPublished(increments: readonly DatabaseIncrements[]): void {
    for (const { databaseId, seconds, lastThrottledAtMs } of increments) {
      let shadow = this.#published.get(databaseId);
      if (shadow === undefined) {
        shadow = shadowFor(this.#capacityOf(databaseId));
        this.#published.set(databaseId, shadow);
      }
      for (const increment of seconds) addTo(shadow, increment);
      if (lastThrottledAtMs !== undefined) this.#publishedThrottledAtMs.set(databaseId, lastThrottledAtMs);
    }
  }

  /** A send failed: its seconds are dirty again (nothing of them was marked published). */
  restore(increments: readonly DatabaseIncrements[]): void {
    for (const { databaseId, seconds, lastThrottledAtMs } of increments) {
      const first = seconds[0];
      const last = seconds[seconds.length - 1];
      if (first && last) this.markDirty(databaseId, first.second, last.second);
      else if (lastThrottledAtMs !== undefined) this.markDirty(databaseId, Infinity, -Infinity);
    }
  }

  /** Alone on the database: nothing to send, and what is dirty now is not owed to a process that comes later. */
  discard(): void {
    this.#dirty.clear();
    for (const [databaseId, atMs] of this.#throttledAtMs) this.#publishedThrottledAtMs.set(databaseId, atMs);
  }

  /** A peer's increments: into FleetRates, and remembered as not this process's. */
  applyPeer(increments: DatabaseIncrements): void {
    const { databaseId } = increments;
    let shadow = this.#fromPeers.get(databaseId);
    for (const increment of increments.seconds) {
      this.fleet.addDatabaseCounts(databaseId, increment.second, increment);
      shadow ??= shadowFor(this.#capacityOf(databaseId));
      addTo(shadow, increment);
    }
    if (shadow !== undefined) this.#fromPeers.set(databaseId, shadow);
    if (increments.lastThrottledAtMs !== undefined)
      this.fleet.noteDatabaseThrottledAt(databaseId, increments.lastThrottledAtMs);
  }

  #capacityOf(databaseId: string): number {
    return this.fleet.database(databaseId)?.attempts.capacitySeconds ?? 3_600;
  }
}

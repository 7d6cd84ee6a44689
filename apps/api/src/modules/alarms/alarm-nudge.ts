import { secondOf, type FleetRates } from '@iamroll/core/rates';
import type { DatabaseDirectory } from '../databases/database-directory';

/**
 * Makes alarm evaluation prompt. The leader evaluates every second; a heartbeat that
 * pushes a database's current second over its IAM budget, or reports a throttled login,
 * asks for an evaluation at once instead (the leader's `alarm-evaluation` worker, debounced
 * in LeaderElection.nudge), so the critical alarm is on the SSE stream within a second of
 * the heartbeat. Every process observes its own heartbeats and the per-second increments
 * other processes publish; only the leader's nudge does anything, and a follower's
 * heartbeats reach it as those increments (within 250 ms). At most one nudge per database per second: a storm asks once a second,
 * not once a heartbeat.
 */
export class AlarmNudge {
  #listener: () => void = () => undefined;
  /** The second each database last nudged in. */
  readonly #nudgedSecond = new Map<string, number>();
  #count = 0;

  constructor(
    private readonly fleet: FleetRates,
    private readonly directory: DatabaseDirectory,
  ) {}

  /** Nudges sent since start (a metric; tests read it). */
  get count(): number {
    return this.#count;
  }

  /** What a nudge does (workers.ts: run the leader's alarm evaluation now). */
  connect(listener: () => void): void {
    this.#listener = listener;
  }

  /** After a heartbeat received at `atMs` was folded into the rates of these databases. */
  observe(databaseIds: readonly (string | null | undefined)[], atMs: number): void {
    const second = secondOf(atMs);
    for (const id of databaseIds) {
      if (!id || this.#nudgedSecond.get(id) === second) continue;
      const database = this.fleet.database(id);
      const budget = this.directory.get(id)?.budgetPerSecond;
      if (!database || budget === undefined) continue;
      // A delta spread over [since, received) may end in the second before this one too.
      const busiest = Math.max(database.iamAttempts.countAt(second), database.iamAttempts.countAt(second - 1));
      const hasThrottled = database.lastThrottledAtMs === atMs;
      if (busiest <= budget && !hasThrottled) continue;
      this.#nudgedSecond.set(id, second);
      this.#count += 1;
      this.#listener();
    }
  }
}

import { describe, expect, it } from 'vitest';
import { FleetRates } from './fleet-rates';
import { OwnDatabaseCounts } from './own-database-counts';
import { secondOf } from './second-series';
import { snapshot } from './test-helpers';

const T0_MS = 1_700_000_000_000;
const T0 = T0_MS / 1_000;
const IAM = { databaseId: 'db-1', isIam: true };

/** One API process: its rates, and what it publishes of them. */
function process() {
  const fleet = new FleetRates();
  const own = new OwnDatabaseCounts(fleet);
  return {
    fleet,
    own,
    /** A heartbeat this process received, and the seconds it may have touched. */
    beat(nodeId: string, seq: number, attempts: number, atMs: number, fromMs = atMs - 1_000, throttled = 0) {
      fleet.setRoutes(nodeId, { rw: IAM });
      fleet.ingestHeartbeat(nodeId, snapshot(seq, { attempts, failures: { throttled } }, { sentAtMs: atMs }), atMs);
      own.markDirty('db-1', secondOf(fromMs), secondOf(atMs));
      if (throttled > 0) own.noteThrottledAt('db-1', atMs);
    },
  };
}

/** Sends what `from` has pending to `to`, as a flush does. */
function publish(from: ReturnType<typeof process>, to: ReturnType<typeof process>) {
  const increments = from.own.pending();
  for (const entry of increments) to.own.applyPeer(entry);
  from.own.markPublished(increments);
  return increments;
}

const seconds = (fleet: FleetRates, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => fleet.database('db-1')?.iamAttempts.countAt(from + i) ?? 0);

describe('OwnDatabaseCounts', () => {
  it('gives both processes the same per-second counts, each heartbeat counted once, none echoed back', () => {
    const a = process();
    const b = process();
    a.beat('x', 1, 0, T0_MS);
    b.beat('y', 1, 0, T0_MS);
    for (let i = 1; i <= 5; i++) {
      a.beat('x', i + 1, i * 30, T0_MS + i * 1_000);
      b.beat('y', i + 1, i * 50, T0_MS + i * 1_000);
      publish(a, b);
      publish(b, a);
    }
    expect(seconds(a.fleet, T0, 5)).toEqual([80, 80, 80, 80, 80]);
    expect(seconds(b.fleet, T0, 5)).toEqual([80, 80, 80, 80, 80]);
    // What came from b is not a's to publish: nothing is pending once both flushed.
    a.own.markDirty('db-1', T0 - 10, T0 + 10);
    expect(a.own.pending()).toEqual([]);
  });

  it('publishes a second that grew after it went out as a correction with just the growth', () => {
    const a = process();
    const b = process();
    a.beat('x', 1, 0, T0_MS);
    a.beat('x', 2, 10, T0_MS + 1_000);
    expect(publish(a, b)).toEqual([
      { databaseId: 'db-1', seconds: [{ second: T0, attempts: 10, iamAttempts: 10, throttled: 0 }] },
    ]);
    // A late heartbeat: a node on a keep-alive whose counts spread back over seconds already sent.
    a.beat('z', 1, 0, T0_MS - 9_000);
    a.beat('z', 2, 100, T0_MS + 1_000, T0_MS - 9_000);
    const [correction] = publish(a, b);
    expect(correction?.seconds.find((s) => s.second === T0)?.iamAttempts).toBe(10);
    expect(seconds(b.fleet, T0 - 9, 10)).toEqual(seconds(a.fleet, T0 - 9, 10));
    expect(seconds(b.fleet, T0 - 9, 10).reduce((sum, n) => sum + n, 0)).toBe(110);
  });

  it('sends a failed flush again, and nothing when alone', () => {
    const a = process();
    const b = process();
    a.beat('x', 1, 0, T0_MS);
    a.beat('x', 2, 7, T0_MS + 1_000, T0_MS, 2);
    const failed = a.own.pending();
    a.own.restore(failed);
    const retried = publish(a, b);
    expect(retried).toEqual(failed);
    expect(b.fleet.database('db-1')?.throttled.countAt(T0 + 1)).toBe(2);
    expect(b.fleet.database('db-1')?.lastThrottledAtMs).toBe(T0_MS + 1_000);

    a.beat('x', 3, 9, T0_MS + 2_000);
    a.own.discard();
    expect(a.own.hasDirty).toBe(false);
    expect(a.own.pending()).toEqual([]);
  });
});

import { CONNECTION_KINDS, FleetRates, secondOf, type CounterSnapshot, type NodeRoutes } from '@iamroll/core/rates';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPeerNode, FleetAggregates } from './fleet-aggregates';
import { decodeEntries } from './replication-entries';

const T0_MS = 1_800_000_000_000;
const ROUTES: NodeRoutes = {
  rw: { databaseId: 'db-rw', isIam: true },
  ro: { databaseId: 'db-ro', isIam: false },
  heartbeatIntervalMs: 1_000,
};

function snapshotOf(
  total: { boot: number; seq: number; rw: number; ro: number; throttled: number },
  sentAtMs: number,
): CounterSnapshot {
  const kind = (attempts: number, throttled = 0) => ({
    attempts,
    established: attempts,
    authFailures: { invalidToken: 0, notAuthorized: throttled > 0 ? 1 : 0, throttled, other: 0 },
  });
  return {
    bootId: `b${total.boot}`,
    seq: total.seq,
    sentAtMs,
    rw: kind(total.rw, total.throttled),
    ro: kind(total.ro),
  };
}

/** One process receiving heartbeats, one learning of them only through what the first publishes. */
function pair() {
  const owner = new FleetRates({ capacitySeconds: 120 });
  const peer = new FleetRates({ capacitySeconds: 120 });
  const aggregates = new FleetAggregates(owner);
  const peerAggregates = new FleetAggregates(peer);
  return {
    owner,
    peer,
    receive: (nodeId: string, snapshot: CounterSnapshot, atMs: number) => {
      owner.setRoutes(nodeId, ROUTES);
      const delta = owner.ingestHeartbeat(nodeId, snapshot, atMs);
      if (delta.status !== 'out-of-order')
        aggregates.record({ nodeId, receivedAtMs: atMs, snapshot, delta, routes: ROUTES });
    },
    flush: async () => {
      const batch = await aggregates.take();
      const { databases, nodes, malformed } = decodeEntries(batch.entries.map((entry) => JSON.parse(entry) as unknown));
      expect(malformed).toBe(0);
      for (const entry of databases) peerAggregates.applyDatabase(entry);
      for (const node of nodes) applyPeerNode(peer, node);
      aggregates.sent(batch);
      return batch;
    },
  };
}

const window = (fromMs: number, toMs: number) => ({ from: secondOf(fromMs) - 2, to: secondOf(toMs) + 1 });
function countsOf(fleet: FleetRates, nodes: readonly string[], fromMs: number, toMs: number) {
  const { from, to } = window(fromMs, toMs);
  const range = (read: (second: number) => number) => Array.from({ length: to - from }, (_, i) => read(from + i));
  return {
    databases: ['db-rw', 'db-ro'].map((id) => {
      const database = fleet.database(id);
      return [database?.attempts, database?.iamAttempts, database?.throttled].map((series) =>
        range((s) => series?.countAt(s) ?? 0),
      );
    }),
    nodes: nodes.map((id) => CONNECTION_KINDS.map((kind) => range((s) => fleet.nodeSeries(id, kind)?.countAt(s) ?? 0))),
    failures: nodes.map((id) => fleet.node(id)?.failures?.notAuthorized.sumSeconds(-Infinity, Infinity) ?? 0),
    lastSeen: nodes.map((id) => fleet.node(id)?.lastHeartbeatAtMs),
  };
}

describe('FleetAggregates', () => {
  it("gives a peer the owner's database and node series, whatever the heartbeats' spans, restarts and flush points", async () => {
    const heartbeat = fc.record({
      node: fc.nat({ max: 2 }),
      stepMs: fc.integer({ min: 0, max: 4_000 }),
      isRestart: fc.boolean(),
      hasCountersSince: fc.boolean(),
      rw: fc.nat({ max: 40 }),
      ro: fc.nat({ max: 40 }),
      throttled: fc.nat({ max: 2 }),
      isFlushAfter: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(heartbeat, { maxLength: 40 }), async (heartbeats) => {
        const { owner, peer, receive, flush } = pair();
        const nodes = ['n0', 'n1', 'n2'];
        const totals = nodes.map(() => ({ boot: 0, seq: 0, rw: 0, ro: 0, throttled: 0 }));
        let nowMs = T0_MS;
        for (const beat of heartbeats) {
          nowMs += beat.stepMs;
          const total = totals[beat.node]!;
          if (beat.isRestart) Object.assign(total, { boot: total.boot + 1, seq: 0, rw: 0, ro: 0, throttled: 0 });
          Object.assign(total, {
            seq: total.seq + 1,
            rw: total.rw + beat.rw,
            ro: total.ro + beat.ro,
            throttled: total.throttled + beat.throttled,
          });
          const sent = snapshotOf(total, nowMs);
          receive(nodes[beat.node]!, beat.hasCountersSince ? { ...sent, countersSinceMs: nowMs - 300 } : sent, nowMs);
          if (beat.isFlushAfter) await flush();
        }
        await flush();
        expect(countsOf(peer, nodes, T0_MS, nowMs)).toEqual(countsOf(owner, nodes, T0_MS, nowMs));
        expect(peer.database('db-rw')?.lastThrottledAtMs).toBe(owner.database('db-rw')?.lastThrottledAtMs);
      }),
      { numRuns: 200 },
    );
  });

  it('sends an idle keep-alive as liveness only, and counts a node once when its next heartbeat lands on the peer', async () => {
    const { owner, peer, receive, flush } = pair();
    const total = { boot: 0, seq: 1, rw: 10, ro: 0, throttled: 0 };
    receive('roaming', snapshotOf(total, T0_MS), T0_MS);
    await flush();
    receive('roaming', snapshotOf({ ...total, seq: 2, rw: 30 }, T0_MS + 1_000), T0_MS + 1_000);
    receive('roaming', snapshotOf({ ...total, seq: 3, rw: 30 }, T0_MS + 2_000), T0_MS + 2_000);
    const batch = await flush();
    const [nodeEntry] = batch.entries.filter((entry) => entry.startsWith('[1,'));
    // One entry for both heartbeats: the snapshot is the one whose counts moved (seq 2).
    const [tag, nodeId, seenMs, intervalMs, sentSnapshot] = JSON.parse(nodeEntry!) as [
      number,
      string,
      number,
      number,
      unknown[],
    ];
    expect([tag, nodeId, seenMs, intervalMs, sentSnapshot.slice(0, 2)]).toEqual([
      1,
      'roaming',
      T0_MS + 2_000,
      1_000,
      ['b0', 2],
    ]);
    // Its next heartbeat goes to the peer: diffed against seq 2, not counted again from seq 1.
    peer.setRoutes('roaming', ROUTES);
    peer.ingestHeartbeat('roaming', snapshotOf({ ...total, seq: 4, rw: 35 }, T0_MS + 3_000), T0_MS + 3_000);
    expect(peer.nodeSeries('roaming', 'rw')?.sumSeconds(secondOf(T0_MS) - 5, secondOf(T0_MS) + 5)).toBe(25);
    expect(owner.nodeSeries('roaming', 'rw')?.sumSeconds(secondOf(T0_MS) - 5, secondOf(T0_MS) + 5)).toBe(20);
  });
});

import { describe, expect, it } from 'vitest';
import { nodeFigures } from './fleet-figures';
import { FleetRates } from './fleet-rates';
import { snapshot } from './test-helpers';

const T0_MS = 1_700_000_000_000;
const T0 = T0_MS / 1_000;

describe('FleetRates: what other API processes publish', () => {
  it("diffs a node's next heartbeat against a peer's newer snapshot, and ignores an older one", () => {
    const fleet = new FleetRates();
    fleet.setRoutes('kong-1', { rw: { databaseId: 'db-1', isIam: true } });
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }), T0_MS);
    expect(fleet.adoptPeerHeartbeat('kong-1', T0_MS + 1_000, 1_000, snapshot(2, { attempts: 40 }))).toBe(true);
    expect(fleet.adoptPeerHeartbeat('kong-1', T0_MS + 1_000, 1_000, snapshot(1, { attempts: 10 }))).toBe(false);
    fleet.ingestHeartbeat('kong-1', snapshot(3, { attempts: 45 }), T0_MS + 2_000);
    // Only what came after the peer's snapshot: the peer counted 10 → 40 itself.
    expect(fleet.database('db-1')?.iamAttempts.sumSeconds(T0 - 5, T0 + 5)).toBe(5);
  });

  it("keeps a peer-owned node's liveness, streak and failure windows for the leader's node alarms", () => {
    const fleet = new FleetRates();
    for (const atMs of [0, 10_000, 20_000, 70_000]) fleet.adoptPeerHeartbeat('kong-2', T0_MS + atMs, 10_000, undefined);
    fleet.addNodeEvents('kong-2', T0_MS + 70_000, { invalidToken: 0, notAuthorized: 3, throttled: 1, other: 0 });
    expect(nodeFigures(fleet, 'kong-2', T0_MS + 70_000)).toMatchObject({
      lastHeartbeatAtMs: T0_MS + 70_000,
      heartbeatIntervalMs: 10_000,
      heartbeatStreakStartMs: T0_MS + 70_000,
      authFailuresInWindow: { invalidToken: 0, notAuthorized: 3, other: 0 },
      lastAuthFailureAtMs: T0_MS + 70_000,
    });
    expect(fleet.node('kong-2')?.throttled?.countAt(T0 + 70)).toBe(1);
  });

  it("adds a peer's node attempts to the node's series only, and a peer's database seconds to the database's", () => {
    const fleet = new FleetRates();
    fleet.setRoutes('kong-3', { rw: { databaseId: 'db-1', isIam: true } });
    fleet.addNodeAttempts('kong-3', 'rw', { attempts: 20, established: 20 }, T0_MS, T0_MS + 2_000);
    fleet.addDatabaseCounts('db-1', T0, { attempts: 10, iamAttempts: 10, throttled: 2 });
    expect([T0, T0 + 1].map((s) => fleet.nodeSeries('kong-3', 'rw')?.countAt(s))).toEqual([10, 10]);
    expect([T0, T0 + 1].map((s) => fleet.database('db-1')?.iamAttempts.countAt(s))).toEqual([10, 0]);
    expect(fleet.database('db-1')?.throttled.countAt(T0)).toBe(2);
    expect(nodeFigures(fleet, 'kong-3', T0_MS + 2_000)?.peakEstablishedPerSecond.rw).toBe(10);
  });
});

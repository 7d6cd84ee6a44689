import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECTION_KINDS } from './counter-delta';
import { evaluateAlarms } from './alarms';
import { databaseFigures, nodeFigures } from './fleet-figures';
import { FleetRates } from './fleet-rates';
import { snapshot } from './test-helpers';

const T0_MS = 1_700_000_000_000;
const T0 = T0_MS / 1_000;
const IAM = { databaseId: 'db-1', isIam: true };

function fleetWithNode(nodeId = 'kong-1'): FleetRates {
  const fleet = new FleetRates();
  fleet.setRoutes(nodeId, { rw: IAM });
  return fleet;
}

describe('FleetRates', () => {
  it('counts nothing for the first heartbeat it sees (a baseline)', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 1_000 }), T0_MS);
    expect(fleet.database('db-1')?.attempts.sumSeconds(T0 - 10, T0 + 10)).toBe(0);
  });

  it('places a 1 Hz delta in the second before its receive time', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 25 }), T0_MS + 1_000);
    expect(fleet.nodeSeries('kong-1', 'rw')?.countAt(T0)).toBe(15);
    expect(fleet.database('db-1')?.iamAttempts.countAt(T0)).toBe(15);
  });

  it('places a burst reported after a quiet keep-alive interval in the seconds after countersSince, not over the interval', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }, { sentAtMs: T0_MS }), T0_MS);
    // Quiet for 9 s, then 400 logins in the last half second: reported at once.
    const burst = { ...snapshot(2, { attempts: 410 }, { sentAtMs: T0_MS + 9_900 }), countersSinceMs: T0_MS + 9_400 };
    fleet.ingestHeartbeat('kong-1', burst, T0_MS + 9_900);
    expect(fleet.database('db-1')?.iamAttempts.countAt(T0 + 9)).toBe(400);
    expect(fleet.database('db-1')?.iamAttempts.sumSeconds(T0, T0 + 8)).toBe(0);
    // Without it, the same delta spreads over the 9.9 s since the previous heartbeat.
    const spread = fleetWithNode();
    spread.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }, { sentAtMs: T0_MS }), T0_MS);
    spread.ingestHeartbeat('kong-1', snapshot(2, { attempts: 410 }, { sentAtMs: T0_MS + 9_900 }), T0_MS + 9_900);
    expect(spread.database('db-1')?.iamAttempts.countAt(T0 + 9)).toBeLessThan(100);
  });

  it("lets go of a node's burst once an hour of quiet heartbeats has passed it, and still reads the burst until then", () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 0 }, { sentAtMs: T0_MS }), T0_MS);
    fleet.ingestHeartbeat(
      'kong-1',
      snapshot(2, { attempts: 40, failures: { invalidToken: 3 } }, { sentAtMs: T0_MS + 1_000 }),
      T0_MS + 1_000,
    );
    const node = () => fleet.node('kong-1');
    expect(fleet.nodeSeries('kong-1', 'rw')?.allocatedSeconds).toBeGreaterThan(0);
    expect(node()?.failures?.invalidToken.allocatedSeconds).toBeGreaterThan(0);
    // Quiet keep-alives every 10 s for an hour (and a bit).
    let seq = 2;
    for (let atMs = T0_MS + 11_000; atMs <= T0_MS + 3_700_000; atMs += 10_000) {
      seq += 1;
      if (atMs === T0_MS + 1_801_000) expect(fleet.nodeSeries('kong-1', 'rw')?.sumSeconds(T0 - 10, T0 + 10)).toBe(40);
      fleet.ingestHeartbeat(
        'kong-1',
        snapshot(seq, { attempts: 40, failures: { invalidToken: 3 } }, { sentAtMs: atMs }),
        atMs,
      );
    }
    expect(fleet.nodeSeries('kong-1', 'rw')?.allocatedSeconds).toBe(0);
    expect(fleet.nodeSeries('kong-1', 'rw')?.sumSeconds(T0 - 10, T0 + 4_000)).toBe(0);
    expect(node()?.failures?.invalidToken.allocatedSeconds).toBe(0);
  });

  it('does not count a duplicate heartbeat twice', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 25 }), T0_MS + 1_000);
    expect(fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 25 }), T0_MS + 1_200).status).toBe('duplicate');
    expect(fleet.database('db-1')?.attempts.sumSeconds(T0 - 10, T0 + 10)).toBe(15);
  });

  it('ignores a late heartbeat and diffs the next one against the newest', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 10 }), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(3, { attempts: 30 }), T0_MS + 2_000);
    expect(fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 20 }), T0_MS + 2_100).status).toBe('out-of-order');
    fleet.ingestHeartbeat('kong-1', snapshot(4, { attempts: 31 }), T0_MS + 3_000);
    expect(fleet.database('db-1')?.attempts.sumSeconds(T0 - 10, T0 + 10)).toBe(21);
  });

  it('spreads a gap over the elapsed interval', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1, { attempts: 0 }), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(5, { attempts: 40 }), T0_MS + 4_000);
    expect([0, 1, 2, 3].map((i) => fleet.database('db-1')?.attempts.countAt(T0 + i))).toEqual([10, 10, 10, 10]);
  });

  it('puts a restart burst in the seconds since the new boot, not over the outage', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(50, { attempts: 900 }), T0_MS);
    fleet.ingestHeartbeat(
      'kong-1',
      snapshot(1, { attempts: 60 }, { bootId: 'boot-b', sentAtMs: 350_000 }),
      T0_MS + 300_000,
    );
    expect(fleet.database('db-1')?.attempts.countAt(T0 + 299)).toBe(60);
  });

  it('counts only IAM routes against the IAM series, every route in attempts', () => {
    const fleet = new FleetRates();
    fleet.setRoutes('kong-1', { rw: IAM });
    fleet.setRoutes('kong-2', { rw: { databaseId: 'db-1', isIam: false } });
    for (const node of ['kong-1', 'kong-2']) {
      fleet.ingestHeartbeat(node, snapshot(1), T0_MS);
      fleet.ingestHeartbeat(node, snapshot(2, { attempts: 5 }), T0_MS + 1_000);
    }
    expect(fleet.database('db-1')?.attempts.countAt(T0)).toBe(10);
    expect(fleet.database('db-1')?.iamAttempts.countAt(T0)).toBe(5);
  });

  it('sends read-only connections to the read-only database', () => {
    const fleet = new FleetRates();
    fleet.setRoutes('kong-1', { rw: IAM, ro: { databaseId: 'db-replica', isIam: true } });
    fleet.ingestHeartbeat('kong-1', snapshot(1), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 2 }, { ro: { attempts: 7 } }), T0_MS + 1_000);
    expect(fleet.database('db-replica')?.iamAttempts.countAt(T0)).toBe(7);
    expect(fleet.database('db-1')?.iamAttempts.countAt(T0)).toBe(2);
  });

  it('reports throttling per database and other failures per node, by cause', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1), T0_MS);
    const failures = { throttled: 3, invalidToken: 2, other: 1 };
    fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 6, failures }), T0_MS + 1_000);
    expect(databaseFigures(fleet, 'db-1', T0_MS + 1_500)).toMatchObject({
      throttledInWindow: 3,
      lastThrottledAtMs: T0_MS + 1_000,
    });
    expect(nodeFigures(fleet, 'kong-1', T0_MS + 1_500)?.authFailuresInWindow).toEqual({
      invalidToken: 2,
      notAuthorized: 0,
      other: 1,
    });
    // The node keeps its own throttles too, for its detail page (the database's count is the alarm's).
    expect(fleet.node('kong-1')?.throttled?.countAt(T0 + 1)).toBe(3);
    expect(nodeFigures(fleet, 'kong-1', T0_MS + 12_000)?.authFailuresInWindow).toEqual({
      invalidToken: 0,
      notAuthorized: 0,
      other: 0,
    });
  });

  it('averages the IAM rate over the settled window', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(0), T0_MS);
    for (let seq = 1; seq <= 12; seq++)
      fleet.ingestHeartbeat('kong-1', snapshot(seq, { attempts: seq * 172 }), T0_MS + seq * 1_000);
    expect(databaseFigures(fleet, 'db-1', T0_MS + 12_000).ratePerSecond).toBe(172);
  });

  it('shows a second over the budget on the first evaluation after the heartbeat that carries it', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(0), T0_MS);
    for (let seq = 1; seq <= 5; seq++)
      fleet.ingestHeartbeat('kong-1', snapshot(seq, { attempts: seq * 20 }), T0_MS + seq * 1_000);
    const burstAtMs = T0_MS + 6_000;
    fleet.ingestHeartbeat('kong-1', snapshot(6, { attempts: 100 + 400 }), burstAtMs);
    const figures = databaseFigures(fleet, 'db-1', burstAtMs + 1);
    expect(figures.busiestSecondCount).toBe(400);
    const alarms = evaluateAlarms(
      { databases: [{ databaseId: 'db-1', budgetPerSecond: 200, ...figures }], nodes: [], openAlarmKeys: new Set() },
      burstAtMs + 1,
    );
    expect(alarms.map((alarm) => alarm.key)).toEqual(['db-rate-critical:db-1']);
  });

  it('starts a new heartbeat streak after a silence of three intervals', () => {
    const fleet = fleetWithNode();
    for (const atMs of [0, 1_000, 2_000, 6_000, 7_000])
      fleet.ingestHeartbeat('kong-1', snapshot(atMs / 1_000 + 1), T0_MS + atMs);
    expect(nodeFigures(fleet, 'kong-1', T0_MS + 7_000)).toMatchObject({
      lastHeartbeatAtMs: T0_MS + 7_000,
      heartbeatStreakStartMs: T0_MS + 6_000,
    });
  });

  it('keeps peak establishment per kind for burst estimates', () => {
    const fleet = fleetWithNode();
    fleet.ingestHeartbeat('kong-1', snapshot(1), T0_MS);
    fleet.ingestHeartbeat('kong-1', snapshot(2, { attempts: 48 }), T0_MS + 1_000);
    fleet.ingestHeartbeat('kong-1', snapshot(3, { attempts: 50 }), T0_MS + 2_000);
    expect(nodeFigures(fleet, 'kong-1', T0_MS + 2_000)?.peakEstablishedPerSecond).toEqual({ rw: 48, ro: 0 });
  });

  it("keeps each database's series equal to the sum of its nodes' series", () => {
    const heartbeat = fc.record({
      node: fc.nat({ max: 3 }),
      stepMs: fc.integer({ min: 0, max: 5_000 }),
      isRestart: fc.boolean(),
      rw: fc.nat({ max: 300 }),
      ro: fc.nat({ max: 300 }),
    });
    fc.assert(
      fc.property(fc.array(heartbeat, { maxLength: 60 }), (heartbeats) => {
        const fleet = new FleetRates({ capacitySeconds: 30 });
        const nodes = ['n0', 'n1', 'n2', 'n3'];
        nodes.forEach((node, i) =>
          fleet.setRoutes(node, {
            rw: { databaseId: `db-${i % 2}`, isIam: true },
            ro: { databaseId: 'db-ro', isIam: i > 1 },
          }),
        );
        const totals = nodes.map(() => ({ seq: 0, boot: 0, rw: 0, ro: 0 }));
        let nowMs = T0_MS;
        for (const { node, stepMs, isRestart, rw, ro } of heartbeats) {
          nowMs += stepMs;
          const total = totals[node]!;
          if (isRestart) Object.assign(total, { boot: total.boot + 1, seq: 0, rw: 0, ro: 0 });
          Object.assign(total, { seq: total.seq + 1, rw: total.rw + rw, ro: total.ro + ro });
          const sent = snapshot(
            total.seq,
            { attempts: total.rw },
            { bootId: `b${total.boot}`, sentAtMs: nowMs, ro: { attempts: total.ro } },
          );
          fleet.ingestHeartbeat(nodes[node]!, sent, nowMs);
        }
        for (const databaseId of fleet.databaseIds()) {
          const database = fleet.database(databaseId)!;
          if (database.attempts.isEmpty) continue;
          for (let s = database.attempts.oldestSecond; s <= database.attempts.latestSecond; s++) {
            let sum = 0;
            nodes.forEach((node, i) => {
              for (const kind of CONNECTION_KINDS) {
                const routed = kind === 'ro' ? 'db-ro' : `db-${i % 2}`;
                if (routed === databaseId) sum += fleet.nodeSeries(node, kind)?.countAt(s) ?? 0;
              }
            });
            expect(database.attempts.countAt(s)).toBe(sum);
          }
        }
      }),
    );
  });
});

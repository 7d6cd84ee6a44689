import { FleetRates } from '@iamroll/core/rates';
import type { TransitionReport } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import type { NodeEntry } from '../nodes/node-registry';
import { measuredRateOf, nodeObservation, rateSecondAt, type AppliedSeen } from './rollout-observations';

const report = (stage: 'password' | 'ro_iam') =>
  ({
    stage,
    rwAuthMode: 'password',
    roAuthMode: stage === 'ro_iam' ? 'iam' : 'password',
    role: 'traditional',
  }) as never;
const transition = (status: TransitionReport['status']) =>
  ({
    status,
    toStage: 'ro_iam',
    failedSwitches: 0,
    completedSwitches: 0,
    isPasswordRemoved: false,
    hasBackup: true,
  }) as TransitionReport;
const entry = (stage: 'password' | 'ro_iam', status: TransitionReport['status']) =>
  ({
    id: 'n1',
    report: report(stage),
    persisted: report('password'),
    agent: { labels: {}, transition: transition(status) },
  }) as unknown as NodeEntry;

describe('nodeObservation: the stage as applied', () => {
  it('keeps the last idle stage while the agent switches (kong.conf is written before the restart)', () => {
    const fleet = new FleetRates();
    const applied: AppliedSeen = new Map();
    const observe = (e: NodeEntry) => nodeObservation(e, fleet, new Map(), 10_000, 0, applied).stage;
    expect(observe(entry('password', 'idle'))).toBe('password');
    // File written, restart (and its reconnect burst) still to come: not switched yet.
    expect(observe(entry('ro_iam', 'switching'))).toBe('password');
    expect(observe(entry('ro_iam', 'idle'))).toBe('ro_iam');
    // A revert in progress: still the stage last applied.
    expect(observe(entry('password', 'reverting'))).toBe('ro_iam');
    expect(observe(entry('password', 'failed'))).toBe('password');
  });

  it('falls back to the reported stage when it never saw the node idle (e.g. right after a restart)', () => {
    const stage = nodeObservation(
      entry('ro_iam', 'switching'),
      new FleetRates(),
      new Map(),
      10_000,
      0,
      new Map(),
    ).stage;
    expect(stage).toBe('ro_iam');
  });
});

describe('nodeObservation: recent logins for pacing', () => {
  const counters = (attempts: number) => ({
    attempts,
    established: attempts,
    authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 },
  });
  const routed = (rw: string | null, ro: string | null) =>
    ({
      id: 'n1',
      report: {
        stage: 'ro_iam',
        rwAuthMode: 'password',
        roAuthMode: 'iam',
        role: 'traditional',
        rwDatabaseId: rw,
        roDatabaseId: ro,
      },
      agent: { labels: {} },
    }) as unknown as NodeEntry;

  it('carries each database’s new connections per second from the node’s counters, both kinds', () => {
    const fleet = new FleetRates();
    const snapshot = (seq: number, rw: number, ro: number) => ({
      bootId: 'b',
      seq,
      sentAtMs: seq * 1_000,
      rw: counters(rw),
      ro: counters(ro),
    });
    fleet.ingestHeartbeat('n1', snapshot(1, 0, 0), 10_000);
    fleet.ingestHeartbeat('n1', snapshot(2, 6, 4), 11_000);
    const both = nodeObservation(routed('primary', 'replica'), fleet, new Map(), 11_500, 0).recentLogins;
    expect(both?.fromSecond).toBe(11 - 30 + 1);
    const sumOf = (counts: readonly number[] | undefined) => (counts ?? []).reduce((sum, count) => sum + count, 0);
    expect(sumOf(both?.byDatabase.primary)).toBe(6);
    expect(sumOf(both?.byDatabase.replica)).toBe(4);
    // The logins of the heartbeat that covered [10 s, 11 s) sit in second 10.
    expect(both?.byDatabase.primary?.[10 - (both?.fromSecond ?? 0)]).toBe(6);
    // Both kinds on one database add up.
    const one = nodeObservation(routed('primary', 'primary'), fleet, new Map(), 11_500, 0).recentLogins;
    expect(sumOf(one?.byDatabase.primary)).toBe(10);
    // No counters yet: nothing, so pacing counts its bursts fully.
    expect(
      nodeObservation(routed('primary', 'replica'), new FleetRates(), new Map(), 11_500, 0).recentLogins,
    ).toBeUndefined();
  });

  it('the measured rate counts the last complete second', () => {
    expect(rateSecondAt(12_300)).toBe(10);
    expect(rateSecondAt(12_999)).toBe(10);
    expect(rateSecondAt(13_000)).toBe(11);
  });
});

describe('measuredRateOf: what pacing projects from', () => {
  it('is the busiest of the last complete second and the seconds still filling, counted through now', () => {
    const fleet = new FleetRates();
    fleet.setRoutes('n1', { rw: { databaseId: 'primary', isIam: true } });
    const counters = (attempts: number) => ({
      attempts,
      established: attempts,
      authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 },
    });
    const beat = (seq: number, total: number) =>
      fleet.ingestHeartbeat(
        'n1',
        { bootId: 'b', seq, sentAtMs: seq * 1_000, rw: counters(total), ro: counters(0) },
        seq * 1_000,
      );
    beat(10, 0);
    beat(11, 5); // second 10: 5
    beat(12, 25); // second 11: 20 (a burst)
    beat(13, 28); // second 12: 3
    // At 12.5 s the last complete second is 10; 11 and 12 are still filling: the burst counts.
    expect(measuredRateOf(fleet, 'primary', 12_500)).toMatchObject({ ratePerSecond: 20, rateSecond: 12 });
    // At 14.5 s the burst's second is past: the measured rate is the quiet second 12.
    expect(measuredRateOf(fleet, 'primary', 14_500)).toMatchObject({ ratePerSecond: 3, rateSecond: 14 });
    expect(measuredRateOf(fleet, 'unknown', 14_500)).toMatchObject({ ratePerSecond: 0, rateSecond: 14 });
    // Beside it, the per-second counts pacing projects from: seconds 10 … 14, the current one last.
    expect(measuredRateOf(fleet, 'primary', 14_500).recentCounts).toEqual({ fromSecond: 10, counts: [5, 20, 3, 0, 0] });
  });
});

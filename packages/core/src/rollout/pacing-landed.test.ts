import { describe, expect, it } from 'vitest';
import { landedLogins } from './burst';
import type { NodeObservation } from './observations';
import { inFlightByDatabase, remainingBurst, selectSwitches } from './pacing';
import { database, node, observations, specOf, T0 } from './testing';
import type { RolloutNodeRecord, RolloutState } from './types';

// The in-flight term made honest: a switching node's burst less the logins its counters show
// have landed up to the second the measured rate counts. T0 is a whole second (S0).

const S0 = T0 / 1000;
const STARTED_AT_MS = T0 + 300;

/** Logins per second on the primary, seconds S0 - 5 … S0 + 5, from a sparse map of offsets. */
function withLogins(byOffset: Record<number, number>): NodeObservation {
  const counts = Array.from({ length: 11 }, (_, index) => byOffset[index - 5] ?? 0);
  return node('a', { recentLogins: { fromSecond: S0 - 5, byDatabase: { primary: counts } } });
}

function record(overrides: Partial<RolloutNodeRecord> = {}): RolloutNodeRecord {
  return {
    nodeId: 'a',
    phase: 'rw_iam',
    state: 'switching',
    fromStage: 'ro_iam',
    toStage: 'rw_iam',
    reason: null,
    stepIndex: 0,
    direction: 'forward',
    switchStartedAtMs: STARTED_AT_MS,
    settledAtMs: null,
    burstByDatabase: { primary: 20 },
    attempt: 0,
    ...overrides,
  };
}

const primaryThrough = (offset: number) => [database('primary', { rateSecond: S0 + offset })];

describe('remainingBurst: expected burst less the logins already landed', () => {
  it.each<[string, Record<number, number>, number | null, number]>([
    ['a burst not started counts fully', {}, 3, 20],
    ['a node half through its burst frees half its slot', { 1: 10 }, 1, 10],
    ['a burst fully landed in the measured second counts 0 in flight', { 1: 12, 2: 8 }, 2, 0],
    ['logins after the measured second stay in flight (not measured yet)', { 2: 20 }, 1, 20],
    ['a burst landing in the second it was decided in has landed', { 0: 20 }, 2, 0],
    [
      'in the switch’s own second, what the node opened in its busiest second before may predate it',
      { [-2]: 3, 0: 13 },
      0,
      10,
    ],
    [
      'the steady rate before the switch is churn, not burst',
      { [-5]: 2, [-4]: 2, [-3]: 2, [-2]: 2, [-1]: 2, 1: 12, 2: 2 },
      2,
      10,
    ],
    ['more logins than expected: floored at 0', { 1: 35 }, 1, 0],
    ['no measured second known: counts fully', { 1: 20 }, null, 20],
  ])('%s', (_name, logins, rateOffset, expected) => {
    const databases = rateOffset === null ? [database('primary')] : primaryThrough(rateOffset);
    expect(remainingBurst(record(), withLogins(logins), databases)).toEqual({ primary: expected });
  });

  it('counts fully without the node’s login history or a start time', () => {
    expect(remainingBurst(record(), node('a'), primaryThrough(3))).toEqual({ primary: 20 });
    expect(remainingBurst(record(), undefined, primaryThrough(3))).toEqual({ primary: 20 });
    expect(remainingBurst(record({ switchStartedAtMs: null }), withLogins({ 1: 20 }), primaryThrough(3))).toEqual({
      primary: 20,
    });
  });

  it('measured + in flight never double count: each login counts exactly once until its second is past', () => {
    // 8 logins in S0 + 1, 12 in S0 + 2: walk the measured second across them.
    const logins = { 1: 8, 2: 12 };
    const landedBy = [0, 8, 20, 20, 20];
    for (let offset = 0; offset <= 4; offset++) {
      const measured = logins[offset as 1 | 2] ?? 0;
      const inFlight = remainingBurst(record(), withLogins(logins), primaryThrough(offset)).primary ?? 0;
      // Counted now = still to land (in flight) + the measured second; the rest is past.
      const past = (landedBy[offset] ?? 0) - measured;
      expect(inFlight + measured + past).toBe(20);
      expect(inFlight).toBe(20 - (landedBy[offset] ?? 0));
    }
  });

  it('landedLogins sums another database separately and ignores one it has no history for', () => {
    const observed = node('a', {
      recentLogins: { fromSecond: S0, byDatabase: { primary: [0, 5, 5], replica: [0, 7, 0] } },
    });
    expect(landedLogins(observed, 'primary', STARTED_AT_MS, S0 + 2)).toBe(10);
    expect(landedLogins(observed, 'replica', STARTED_AT_MS, S0 + 2)).toBe(7);
    expect(landedLogins(observed, 'other', STARTED_AT_MS, S0 + 2)).toBe(0);
  });
});

describe('inFlightByDatabase with observations', () => {
  const spec = specOf({ phases: ['rw_iam'], burstWindowSeconds: 2 });
  const stateOf = (nodes: RolloutNodeRecord[]) => ({ nodes }) as unknown as RolloutState;

  it('sums what is still to land; a settled burst past its window counts nothing', () => {
    const half = node('a', { recentLogins: { fromSecond: S0, byDatabase: { primary: [0, 10] } } });
    const state = stateOf([
      record(),
      record({ nodeId: 'b' }),
      record({ nodeId: 'c', state: 'switched', settledAtMs: T0 - 10_000 }),
      record({ nodeId: 'd', state: 'waiting', switchStartedAtMs: null }),
    ]);
    const seen = observations([half, node('b'), node('c'), node('d')], { databases: primaryThrough(1) });
    expect(inFlightByDatabase(spec, state, T0 + 2_500, seen)).toEqual({ primary: 30 });
    // Without observations (or the history), every in-flight burst counts fully, as before.
    expect(inFlightByDatabase(spec, state, T0 + 2_500)).toEqual({ primary: 40 });
  });

  it('a settled node inside the safety tail still counts what has not landed', () => {
    const state = stateOf([record({ state: 'switched', settledAtMs: T0 + 2_000 })]);
    const landing = node('a', { recentLogins: { fromSecond: S0, byDatabase: { primary: [0, 0, 20] } } });
    // Its logins are in S0 + 2, the measured rate still counts S0 + 1: in flight.
    expect(
      inFlightByDatabase(spec, state, T0 + 3_000, observations([landing], { databases: primaryThrough(1) })),
    ).toEqual({ primary: 20 });
    expect(
      inFlightByDatabase(spec, state, T0 + 3_000, observations([landing], { databases: primaryThrough(2) })),
    ).toEqual({ primary: 0 });
  });

  it('two nodes half through their bursts free a slot the full count would hold (target 0.6 × 100/s)', () => {
    const halfway = (id: string) => node(id, { recentLogins: { fromSecond: S0, byDatabase: { primary: [0, 10] } } });
    const state = stateOf([record(), record({ nodeId: 'b' })]);
    // The 20 landed logins are the measured second S0 + 1.
    const databases = [database('primary', { budgetPerSecond: 100, ratePerSecond: 20, rateSecond: S0 + 1 })];
    const select = (inFlight: Record<string, number>) =>
      selectSwitches({
        candidates: [{ nodeId: 'c', burstByDatabase: { primary: 20 } }],
        databases,
        inFlightByDatabase: inFlight,
        targetUtilisation: 0.6,
        slots: 10,
      });
    // Counted twice: 20 measured + 40 in flight + 20 = 80 > 60.
    const full = select(inFlightByDatabase(spec, state, T0 + 2_000));
    expect(full.nodeIds).toEqual([]);
    expect(full.waitingReason).toMatch(/20\/s measured \+ 40\/s in flight \+ 20\/s/);
    // Once: 20 measured + 20 still to land + 20 = 60.
    const seen = observations([halfway('a'), halfway('b')], { databases });
    expect(select(inFlightByDatabase(spec, state, T0 + 2_000, seen)).nodeIds).toEqual(['c']);
  });
});

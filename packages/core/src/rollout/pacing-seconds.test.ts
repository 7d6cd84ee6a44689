import { describe, expect, it } from 'vitest';
import type { NodeObservation } from './observations';
import { inFlightByDatabase, selectSwitches } from './pacing';
import { pacedDatabases, plannedStartOf, projectionBaseOf } from './pacing-seconds';
import { control, newDrive, step } from './testing-agents';
import { database, node, observations, specOf, T0 } from './testing';
import type { RolloutNodeRecord, RolloutState } from './types';

// The projection's base per second: churn (from the last complete seconds, bursts taken out) plus
// the bursts landed in the current second. T0 is a whole second (S0), the current one.

const S0 = T0 / 1000;

/** The primary's counts for seconds S0 - 4 … S0 (the last one filling). */
const primary = (counts: number[], overrides = {}) =>
  database('primary', {
    budgetPerSecond: 200,
    ratePerSecond: Math.max(...counts),
    rateSecond: S0,
    ...overrides,
    recentCounts: { fromSecond: S0 - 4, counts },
  });

/** A node's logins on the primary, seconds S0 - 9 … S0, from a sparse map of offsets. */
function withLogins(id: string, byOffset: Record<number, number>): NodeObservation {
  const counts = Array.from({ length: 10 }, (_, index) => byOffset[index - 9] ?? 0);
  return node(id, { recentLogins: { fromSecond: S0 - 9, byDatabase: { primary: counts } } });
}

function record(nodeId: string, startOffsetS: number, overrides: Partial<RolloutNodeRecord> = {}): RolloutNodeRecord {
  return {
    nodeId,
    phase: 'rw_iam',
    state: 'switched',
    fromStage: 'ro_iam',
    toStage: 'rw_iam',
    reason: null,
    stepIndex: 0,
    direction: 'forward',
    switchStartedAtMs: T0 + startOffsetS * 1000 + 300,
    settledAtMs: T0 + startOffsetS * 1000 + 800,
    burstByDatabase: { primary: 20 },
    attempt: 0,
    ...overrides,
  };
}

const stateOf = (nodes: RolloutNodeRecord[]) => ({ nodes }) as unknown as RolloutState;

describe('projectionBaseOf: churn + the bursts landed in the current second', () => {
  it.each<[string, number[], RolloutNodeRecord[], NodeObservation[], number, number | null]>([
    ['churn only: the busiest complete second of the last three', [40, 42, 38, 41, 10], [], [], 42, 42],
    [
      'a burst landed and reported in a past second holds no later one',
      [40, 40, 60, 40, 10],
      [record('a', -2)],
      [withLogins('a', { [-2]: 20 })],
      40,
      40,
    ],
    [
      'a burst landed in the current second counts there, on top of the churn',
      [40, 40, 40, 40, 30],
      [record('a', 0)],
      [withLogins('a', { 0: 20 })],
      60,
      40,
    ],
    [
      'a burst counted in the last second: a share of it (SPILL_SHARE, 35 %) may reach RDS in this one',
      [40, 40, 40, 60, 5],
      [record('a', -1)],
      [withLogins('a', { [-1]: 20 })],
      47,
      40,
    ],
    ['the raw count of the current second is a floor', [40, 40, 40, 40, 75], [], [], 75, 40],
    [
      'a node without login history: its burst stays in the churn (over-counted, never under)',
      [40, 40, 60, 40, 10],
      [record('a', -2)],
      [node('a')],
      60,
      60,
    ],
    [
      'the node’s own churn before its switch is not taken for burst',
      [40, 40, 60, 40, 10],
      [record('a', -2)],
      [withLogins('a', { [-7]: 2, [-6]: 2, [-5]: 2, [-4]: 2, [-3]: 2, [-2]: 22 })],
      40,
      40,
    ],
    [
      'a node switched twice is taken from its latest switch only (never subtracted twice)',
      [40, 40, 60, 40, 10],
      [record('a', -8, { phase: 'ro_iam' }), record('a', -2)],
      [withLogins('a', { [-2]: 20 })],
      40,
      40,
    ],
    [
      'a switch older than BURST_SPAN_SECONDS: its logins are churn again',
      [40, 40, 60, 40, 10],
      [record('a', -14)],
      [withLogins('a', { [-2]: 20 })],
      60,
      60,
    ],
  ])('%s', (_name, counts, records, nodes, expected, churn) => {
    const base = projectionBaseOf(primary(counts), stateOf(records), observations(nodes));
    expect(base.ratePerSecond).toBe(expected);
    expect(base.churnPerSecond).toBe(churn);
  });

  it('without per-second counts: the measured rate, as before', () => {
    const base = projectionBaseOf(
      database('primary', { ratePerSecond: 66, rateSecond: S0 }),
      stateOf([]),
      observations([]),
    );
    expect(base).toEqual({ ratePerSecond: 66, churnPerSecond: null });
  });
});

describe('pacing per second: a reported burst frees the seconds after its own', () => {
  const spec = specOf({ phases: ['rw_iam'], burstWindowSeconds: 2 });
  const select = (state: RolloutState, seen: ReturnType<typeof observations>, nowMs: number) =>
    selectSwitches({
      candidates: [
        { nodeId: 'c', burstByDatabase: { primary: 20 } },
        { nodeId: 'd', burstByDatabase: { primary: 20 } },
        { nodeId: 'e', burstByDatabase: { primary: 20 } },
      ],
      databases: pacedDatabases(state, seen),
      inFlightByDatabase: inFlightByDatabase(spec, state, nowMs, seen),
      targetUtilisation: 0.5,
      slots: 10,
    });

  it('two bursts that landed last second: the next two fit beside the churn now, not after a 3 s window', () => {
    // 40/s churn; a and b landed 20 each in S0 - 1 (settled, inside the safety tail).
    const state = stateOf([record('a', -1), record('b', -1)]);
    const seen = observations([withLogins('a', { [-1]: 20 }), withLogins('b', { [-1]: 20 })], {
      databases: [primary([40, 40, 40, 80, 5])],
    });
    // Per second: 40 churn + a quarter of last second's 40 (connect latency) + 2 × 20 = 90; a third: 110.
    expect(select(state, seen, T0 + 200).nodeIds).toEqual(['c', 'd']);
    // The busiest-second figure (80 measured) lets one in.
    const busiest = selectSwitches({
      candidates: [
        { nodeId: 'c', burstByDatabase: { primary: 20 } },
        { nodeId: 'd', burstByDatabase: { primary: 20 } },
      ],
      databases: seen.databases,
      inFlightByDatabase: inFlightByDatabase(spec, state, T0 + 200, seen),
      targetUtilisation: 0.5,
      slots: 10,
    });
    expect(busiest.nodeIds).toEqual(['c']);
  });

  it('a burst not reported yet still counts fully in flight, beside the churn', () => {
    const state = stateOf([record('a', 0, { state: 'switching', settledAtMs: null })]);
    const seen = observations([withLogins('a', {})], { databases: [primary([40, 40, 40, 40, 5])] });
    // 40 churn + 20 in flight + 20 (c) + 20 (d) = 100 ≤ 100; e would make 120.
    const result = select(state, seen, T0 + 500);
    expect(result.nodeIds).toEqual(['c', 'd']);
    expect(result.waitingReason).toMatch(/120\/s projected with e \(40\/s measured \+ 60\/s in flight \+ 20\/s\)/);
  });
});

describe('planned seconds: a switch decided late in a second begins at the next one’s start', () => {
  it.each<[string, number, number]>([
    ['early in a second: at once', T0 + 150, T0 + 150],
    ['at the second’s very start: at once', T0, T0],
    ['later: at the next second’s start', T0 + 151, T0 + 1000],
    ['at the end of a second: the next one', T0 + 999, T0 + 1000],
  ])('%s', (_name, nowMs, expected) => {
    expect(plannedStartOf(nowMs)).toBe(expected);
  });

  it('a planned burst begun at its second’s start spills nothing into the next; one begun late does', () => {
    const counts = [40, 40, 40, 60, 5];
    const planned = record('a', -1, { switchStartedAtMs: T0 - 1400, switchAtMs: T0 - 1000 });
    const late = record('a', -1);
    const logins = [withLogins('a', { [-1]: 20 })];
    expect(projectionBaseOf(primary(counts), stateOf([planned]), observations(logins)).ratePerSecond).toBe(40);
    expect(projectionBaseOf(primary(counts), stateOf([late]), observations(logins)).ratePerSecond).toBe(47);
  });

  it('the next second’s base is its churn: the bursts landed in the current second are not in it', () => {
    const counts = [40, 40, 40, 40, 70];
    const planned = record('a', 0, { switchStartedAtMs: T0 - 400, switchAtMs: T0 });
    const logins = [withLogins('a', { 0: 20 })];
    const db = primary(counts);
    expect(projectionBaseOf(db, stateOf([planned]), observations(logins)).ratePerSecond).toBe(70);
    expect(projectionBaseOf(db, stateOf([planned]), observations(logins), T0 + 1000)).toEqual({
      ratePerSecond: 40,
      churnPerSecond: 40,
    });
    // Begun late in the current second, a share of it may still reach RDS in the next.
    expect(projectionBaseOf(db, stateOf([record('a', 0)]), observations(logins), T0 + 1000).ratePerSecond).toBe(47);
  });

  it('decide plans the switches of a late pass for the next second, and the agents are told when', () => {
    const spec = specOf({ phases: ['rw_iam'], canary: 1, waves: [1], bakeSeconds: 0, maxUnavailable: 10 });
    const nodes = ['a', 'b', 'c'].map((id) => withLogins(id, {}));
    const seen = observations(nodes, { databases: [primary([40, 40, 40, 40, 70]), database('replica')] });
    const early = newDrive(spec, seen, T0 + 100);
    const atOnce = step(early, { controls: [control('start', T0 + 100)], isAgentsIdle: true });
    const switchNow = atOnce.intents.find((intent) => intent.kind === 'switch');
    expect(switchNow).toBeDefined();
    expect(switchNow).not.toHaveProperty('startAtMs');
    const late = newDrive(spec, seen, T0 + 600);
    const planned = step(late, { controls: [control('start', T0 + 600)], isAgentsIdle: true });
    expect(planned.intents.find((intent) => intent.kind === 'switch')).toMatchObject({ startAtMs: T0 + 1000 });
    expect(planned.state.nodes.find((r) => r.state === 'switching')).toMatchObject({
      switchStartedAtMs: T0 + 600,
      switchAtMs: T0 + 1000,
    });
  });
});

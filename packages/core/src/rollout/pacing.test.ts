import { describe, expect, it } from 'vitest';
import { selectSwitches, type PacingInput } from './pacing';
import { control, newDrive, step } from './testing-agents';
import { database, node, observations, specOf, T0 } from './testing';

const dbs = [database('primary', { ratePerSecond: 10 }), database('replica', { ratePerSecond: 50 })];
const both = (id: string, primary: number, replica: number) => ({ nodeId: id, burstByDatabase: { primary, replica } });

function select(overrides: Partial<PacingInput>) {
  return selectSwitches({
    candidates: [],
    databases: dbs,
    inFlightByDatabase: {},
    targetUtilisation: 0.5,
    slots: 10,
    ...overrides,
  });
}

describe('selectSwitches (target 0.5 × 200/s = 100/s on each database)', () => {
  it.each<[string, Partial<PacingInput>, string[], RegExp | null]>([
    ['all fit', { candidates: [both('a', 20, 10), both('b', 20, 10)] }, ['a', 'b'], null],
    [
      'the replica limits a node using both',
      { candidates: [both('a', 40, 40), both('b', 40, 40)] },
      ['a'],
      /headroom on replica: 130\/s projected with b \(50\/s measured \+ 40\/s in flight \+ 40\/s\) over the 100\/s target/,
    ],
    [
      'the primary limits when the replica has room',
      { candidates: [both('a', 50, 1), both('b', 50, 1)] },
      ['a'],
      /headroom on primary/,
    ],
    ['bursts in flight count', { candidates: [both('a', 10, 10)], inFlightByDatabase: { replica: 45 } }, [], /replica/],
    [
      'order is kept: a small node does not overtake a big one',
      { candidates: [both('a', 40, 40), both('b', 80, 45), both('c', 1, 1)] },
      ['a'],
      /with b/,
    ],
    [
      'the capacity guard',
      { candidates: [both('a', 1, 1), both('b', 1, 1), both('c', 1, 1)], slots: 2 },
      ['a', 'b'],
      /maxUnavailable/,
    ],
    ['no slot left', { candidates: [both('a', 1, 1)], slots: 0 }, [], /maxUnavailable/],
    [
      'an unknown database',
      { candidates: [{ nodeId: 'a', burstByDatabase: { other: 1 } }] },
      [],
      /no budget observed for other/,
    ],
    [
      'an oversized node waits for in-flight bursts',
      { candidates: [both('a', 120, 0)], inFlightByDatabase: { primary: 1 } },
      [],
      /goes alone/,
    ],
    [
      'an oversized node after another waits',
      { candidates: [both('a', 1, 1), both('b', 120, 0)] },
      ['a'],
      /goes alone/,
    ],
  ])('%s', (_name, input, expected, reason) => {
    const result = select(input);
    expect(result.nodeIds).toEqual(expected);
    if (reason === null) expect(result.waitingReason).toBeNull();
    else expect(result.waitingReason).toMatch(reason);
  });

  it('switches an oversized node alone when nothing is in flight, and says so', () => {
    const result = select({ candidates: [both('a', 120, 0), both('b', 1, 1)] });
    expect(result.nodeIds).toEqual(['a']);
    expect(result.waitingReason).toMatch(/headroom on primary: 131\/s projected with b/);
    expect(result.oversizedNote).toBe(
      'a switched alone: its burst of 120/s on primary exceeds the 100/s target by itself (budget 200/s)',
    );
  });

  it('lets a node that touches none of its databases go beside it', () => {
    const result = select({ candidates: [both('a', 120, 0), { nodeId: 'b', burstByDatabase: { replica: 5 } }] });
    expect(result.nodeIds).toEqual(['a', 'b']);
  });

  it('does not switch an oversized node alone when the measured rate leaves no room under the budget', () => {
    const result = select({ candidates: [both('a', 195, 0)] });
    expect(result.nodeIds).toEqual([]);
  });
});

describe('decide: pacing across passes', () => {
  // rw_iam only, nodes on ro_iam: each switch costs the primary AND the replica 40/s.
  const bigNode = (id: string) => node(id, { stage: 'ro_iam', workerCount: 4, poolSize: { rw: 10, ro: 10 } });
  const spec = specOf({ phases: ['rw_iam'], canary: 4, maxUnavailable: 4, bakeSeconds: 0 });

  it('projects the replica too when read-write moves: one node at a time on the replica, two would fit the primary', () => {
    const drive = newDrive(spec, observations(['a', 'b', 'c'].map(bigNode), { databases: dbs }), T0);
    const first = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    expect(first.intents.filter((intent) => intent.kind === 'switch')).toEqual([
      { kind: 'switch', phase: 'rw_iam', stage: 'rw_iam', nodeIds: ['a'] },
    ]);
    expect(first.message).toMatch(/waiting for headroom on replica/);
    expect(first.state.nodes.find((r) => r.nodeId === 'a')?.burstByDatabase).toEqual({ primary: 40, replica: 40 });
  });

  it('keeps a settled burst in flight for the burst window, then switches the next node', () => {
    const drive = newDrive(spec, observations(['a', 'b'].map(bigNode), { databases: dbs }), T0);
    step(drive, { controls: [control('start', T0)] });
    drive.nowMs += 1000;
    const settled = step(drive);
    expect(settled.intents).toEqual([]);
    drive.nowMs += 1000;
    const next = step(drive);
    expect(next.intents).toContainEqual({ kind: 'switch', phase: 'rw_iam', stage: 'rw_iam', nodeIds: ['b'] });
  });

  it('never restarts more than maxUnavailable nodes at once', () => {
    const small = (id: string) => node(id, { workerCount: 1, poolSize: { rw: 1, ro: 1 } });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const drive = newDrive(specOf({ maxUnavailable: 2, canary: 6 }), observations(ids.map(small)), T0);
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    for (let pass = 0; pass < 3; pass += 1) {
      drive.nowMs += 1000;
      step(drive, { isAgentsIdle: true });
    }
    const switching = drive.rollout.state.nodes.filter((record) => record.state === 'switching');
    expect(switching.map((record) => record.nodeId)).toEqual(['a', 'b']);
    expect(drive.rollout.state.message).toMatch(/restart slot \(maxUnavailable/);
  });

  it('resolves maxUnavailable as a share of the phase’s eligible nodes', () => {
    const small = (id: string) => node(id, { workerCount: 1, poolSize: { rw: 1, ro: 1 } });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const drive = newDrive(specOf({ maxUnavailable: '30%', canary: 10 }), observations(ids.map(small)), T0);
    const first = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    expect(first.intents.find((intent) => intent.kind === 'switch')).toMatchObject({ nodeIds: ['a', 'b', 'c'] });
  });
});

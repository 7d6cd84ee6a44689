import type { RolloutNodeRecord, RolloutState } from '@iamroll/core/rollout';
import { describe, expect, it } from 'vitest';
import { HOT_MAX, hotNodesOf, IMMINENT_MAX, IMMINENT_NEXT, imminentNodesOf } from './rollout-hot-nodes';

const record = (
  nodeId: string,
  phase: 'ro_iam' | 'rw_iam',
  state: RolloutNodeRecord['state'],
  stepIndex = 0,
  direction: RolloutNodeRecord['direction'] = 'forward',
) => ({ nodeId, phase, state, stepIndex, direction }) as RolloutNodeRecord;
const stateOf = (
  status: RolloutState['status'],
  phase: 'ro_iam' | 'rw_iam',
  nodes: RolloutNodeRecord[],
  stepIndex = 0,
) => ({ status, phase, nodes, stepIndex }) as unknown as RolloutState;
const both = ['ro_iam', 'rw_iam'];

describe('hotNodesOf: the nodes a rollout wants at 1 s heartbeats', () => {
  it.each<[string, RolloutState, string[], string[]]>([
    [
      'running, first of two phases: unsettled and already switched (the next phase’s)',
      stateOf('running', 'ro_iam', [
        record('a', 'ro_iam', 'switched'),
        record('b', 'ro_iam', 'switching'),
        record('c', 'ro_iam', 'waiting'),
        record('d', 'ro_iam', 'failed'),
      ]),
      both,
      ['a', 'b', 'c'],
    ],
    [
      'running, last phase: switched nodes are done',
      stateOf('running', 'rw_iam', [
        record('a', 'ro_iam', 'switched'),
        record('a', 'rw_iam', 'switched'),
        record('b', 'rw_iam', 'waiting'),
      ]),
      both,
      ['b'],
    ],
    [
      'only this wave and the next two: later waves stay on the keep-alive, and so do switched nodes mid-phase',
      stateOf(
        'running',
        'ro_iam',
        [
          record('a', 'ro_iam', 'switched', 0),
          record('b', 'ro_iam', 'switching', 2),
          record('c', 'ro_iam', 'waiting', 4),
          record('d', 'ro_iam', 'waiting', 6),
          record('e', 'ro_iam', 'waiting', 8),
        ],
        2,
      ),
      both,
      ['b', 'c', 'd'],
    ],
    [
      'a revert is hot whatever its wave',
      stateOf('rolling_back', 'rw_iam', [record('a', 'rw_iam', 'waiting', 8, 'revert')], 0),
      both,
      ['a'],
    ],
    ['paused: none', stateOf('paused', 'ro_iam', [record('a', 'ro_iam', 'waiting')]), both, []],
    [
      'rolling back: the nodes still to revert',
      stateOf('rolling_back', 'rw_iam', [record('a', 'rw_iam', 'waiting')]),
      both,
      ['a'],
    ],
    ['completed: none', stateOf('completed', 'rw_iam', [record('a', 'rw_iam', 'switched')]), both, []],
  ])('%s', (_name, state, phases, expected) => {
    expect([...hotNodesOf(state, phases)].sort()).toEqual(expected);
  });

  it('stays bounded on a 10,000-node wave: the switching first, then the waiting in the pacing’s order', () => {
    const state = stateOf('running', 'ro_iam', [
      ...Array.from({ length: 9_990 }, (_, i) => record(`w${i}`, 'ro_iam', 'waiting', 2)),
      ...Array.from({ length: 10 }, (_, i) => record(`s${i}`, 'ro_iam', 'switching', 2)),
    ]);
    const hot = hotNodesOf(state, both);
    expect(hot.size).toBe(HOT_MAX);
    expect([...hot].filter((id) => id.startsWith('s'))).toHaveLength(10);
    expect(hot.has('w0') && !hot.has(`w${HOT_MAX}`)).toBe(true);
  });
});

describe('imminentNodesOf: the few nodes a rollout wants at 250 ms heartbeats', () => {
  const waves = (count: number, state: RolloutNodeRecord['state'], step: number, prefix: string) =>
    Array.from({ length: count }, (_, index) => record(`${prefix}${index}`, 'ro_iam', state, step));

  it.each<[string, RolloutState, string[]]>([
    [
      'those switching and the next IMMINENT_NEXT waiting, in the pacing’s order (current step first)',
      stateOf(
        'running',
        'ro_iam',
        [...waves(3, 'switching', 2, 's'), ...waves(10, 'waiting', 4, 'n'), ...waves(2, 'waiting', 2, 'c')],
        2,
      ),
      ['s0', 's1', 's2', 'c0', 'c1', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5'],
    ],
    [
      'not beyond the next wave step, nor switched nodes mid-phase',
      stateOf('running', 'ro_iam', [record('a', 'ro_iam', 'switched', 0), record('b', 'ro_iam', 'waiting', 6)], 2),
      [],
    ],
    [
      'near the end of the first phase: its first nodes (the next phase’s canary)',
      stateOf('running', 'ro_iam', [record('a', 'ro_iam', 'switched', 0), record('b', 'ro_iam', 'switched', 2)], 2),
      ['a', 'b'],
    ],
    ['paused: none', stateOf('paused', 'ro_iam', [record('a', 'ro_iam', 'waiting')]), []],
  ])('%s', (_name, state, expected) => {
    expect([...imminentNodesOf(state, both)].sort()).toEqual(expected.sort());
  });

  it('stays bounded however many nodes switch or wait (a 10,000-node wave)', () => {
    const state = stateOf('running', 'ro_iam', [
      ...waves(5_000, 'switching', 0, 's'),
      ...waves(5_000, 'waiting', 0, 'w'),
    ]);
    const imminent = imminentNodesOf(state, both);
    expect(imminent.size).toBe(IMMINENT_MAX);
    expect([...imminent].filter((id) => id.startsWith('w'))).toHaveLength(IMMINENT_NEXT);
  });
});

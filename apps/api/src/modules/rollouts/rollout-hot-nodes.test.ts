import type { RolloutNodeRecord, RolloutState } from '@iamroll/core/rollout';
import { describe, expect, it } from 'vitest';
import { hotNodesOf } from './rollout-hot-nodes';

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
      'only this wave and the next: later waves stay on the keep-alive, and so do switched nodes mid-phase',
      stateOf(
        'running',
        'ro_iam',
        [
          record('a', 'ro_iam', 'switched', 0),
          record('b', 'ro_iam', 'switching', 2),
          record('c', 'ro_iam', 'waiting', 4),
          record('d', 'ro_iam', 'waiting', 6),
        ],
        2,
      ),
      both,
      ['b', 'c'],
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
});

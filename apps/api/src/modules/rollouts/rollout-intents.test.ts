import { initialRolloutState } from '@iamroll/core/rollout';
import { describe, expect, it } from 'vitest';
import { intentWrites } from './rollout-intents';

describe('intentWrites: desired stages from the engine’s intents', () => {
  it('a switch planned for a later second carries its start (the reply’s switchAt); a revert begins at once', () => {
    const writes = intentWrites(
      'r1',
      [
        { kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a', 'b'], startAtMs: 1_767_268_801_000 },
        { kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['c'] },
        { kind: 'revert', stage: 'password', nodeIds: ['d'] },
      ],
      initialRolloutState(),
      () => 'password',
      null,
    );
    expect(writes.desired.map((update) => [update.nodeId, update.stage, update.switchAtMs])).toEqual([
      ['a', 'ro_iam', 1_767_268_801_000],
      ['b', 'ro_iam', 1_767_268_801_000],
      ['c', 'ro_iam', null],
      ['d', 'password', null],
    ]);
  });
});

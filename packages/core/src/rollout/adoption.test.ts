import { describe, expect, it } from 'vitest';
import { paceAdoption } from './adoption';
import type { NodeObservation } from './observations';
import { database, node, observations, specOf, T0 } from './testing';

// Joiners after a completed rollout (burst per node: rw 10/s on primary + ro 10/s on replica at rw_iam).
const pacing = specOf().pacing;
const joiners = ['j1', 'j2', 'j3'];
const candidates = joiners.map((nodeId) => ({ nodeId, stage: 'rw_iam' as const }));

function run(nodes: readonly NodeObservation[], desired: Record<string, 'password' | 'ro_iam' | 'rw_iam'>, extra = {}) {
  return paceAdoption({
    candidates: candidates.filter((c) => desired[c.nodeId] !== 'rw_iam'),
    pacing,
    observations: observations(nodes, extra),
    desiredOf: (nodeId) => desired[nodeId] ?? 'password',
    nowMs: T0,
  });
}

describe('paceAdoption: joiners follow the database, one restart at a time under the budget target', () => {
  it.each([
    {
      name: 'nothing in flight: the first joiner goes (maxUnavailable 1)',
      nodes: joiners.map((id) => node(id)),
      desired: {},
      expected: ['j1'],
      waiting: /restart slot/,
    },
    {
      name: 'the first is switching (desired ≠ reported): the others wait for its restart',
      nodes: joiners.map((id) => node(id)),
      desired: { j1: 'rw_iam' },
      expected: [],
      waiting: /restart slot/,
    },
    {
      name: 'the first reported rw_iam just now: its burst is in flight, but there is headroom',
      nodes: [node('j1', { stage: 'rw_iam', stageSinceMs: T0 - 1000 }), node('j2'), node('j3')],
      desired: { j1: 'rw_iam' },
      expected: ['j2'],
      waiting: /restart slot/,
    },
    {
      name: 'no headroom on the primary: measured 85/s + 10/s in flight + 10/s over the 100/s target',
      nodes: [node('j1', { stage: 'rw_iam', stageSinceMs: T0 - 1000 }), node('j2'), node('j3')],
      desired: { j1: 'rw_iam' },
      extra: { databases: [database('primary', { ratePerSecond: 85 }), database('replica')] },
      expected: [],
      waiting: /waiting for headroom on primary/,
    },
    {
      name: 'a rollout node switching on another database does not take the joiners’ slot',
      nodes: [
        node('other', { rwDatabaseId: 'elsewhere', roDatabaseId: null, hasReadOnlyConnection: false }),
        node('j1'),
      ],
      desired: { other: 'rw_iam', j2: 'rw_iam', j3: 'rw_iam' },
      extra: { databases: [database('primary'), database('replica'), database('elsewhere')] },
      expected: ['j1'],
      waiting: null,
    },
  ])('$name', ({ nodes, desired, extra, expected, waiting }) => {
    const result = run(nodes, desired as Record<string, 'password' | 'ro_iam' | 'rw_iam'>, extra ?? {});
    expect(result.nodeIds).toEqual(expected);
    if (waiting === null) expect(result.waitingReason).toBeNull();
    else expect(result.waitingReason).toMatch(waiting);
  });
});

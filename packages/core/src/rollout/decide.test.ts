import { describe, expect, it } from 'vitest';
import { allIntents, control, newDrive, runUntil, step } from './testing-agents';
import { node, observations, specOf, T0 } from './testing';

const fourNodes = () => observations(['a', 'b', 'c', 'd'].map((id) => node(id)));

function switchesOf(intents: ReturnType<typeof allIntents>) {
  return intents.flatMap((intent) =>
    intent.kind === 'switch' ? intent.nodeIds.map((id) => `${intent.stage}:${id}`) : [],
  );
}

describe('decide: a whole rollout', () => {
  it('goes password → ro_iam → rw_iam, each node switched exactly once per phase', () => {
    const drive = newDrive(specOf({ bakeSeconds: 10 }), fourNodes(), T0);
    const started = step(drive, { controls: [control('start', T0)] });
    expect(started.status).toBe('running');
    expect(started.intents).toEqual([
      { kind: 'start', by: 'alice', reason: 'start please' },
      { kind: 'phase_started', phase: 'ro_iam' },
      { kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a'] },
    ]);
    expect(started.message).toMatch(/ro_iam \(read-only connections\) · canary: 0 of 4 nodes switched, 1 switching/);
    const done = runUntil(drive, ['completed', 'paused']);
    expect(done?.status).toBe('completed');
    const switches = switchesOf(allIntents(drive));
    expect(switches.sort()).toEqual(['a', 'b', 'c', 'd'].flatMap((id) => [`ro_iam:${id}`, `rw_iam:${id}`]).sort());
    expect(drive.observations.nodes.every((n) => n.stage === 'rw_iam')).toBe(true);
    expect(done?.message).toBe('Completed: 4 of 4 nodes switched to rw_iam.');
    expect(allIntents(drive).filter((intent) => intent.kind === 'complete')).toHaveLength(1);
  });

  it('is idempotent: the same inputs again issue no new switch', () => {
    const drive = newDrive(specOf(), fourNodes(), T0);
    const first = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    const again = step(drive, { isAgentsIdle: true });
    expect(first.intents.some((intent) => intent.kind === 'switch')).toBe(true);
    expect(again.intents).toEqual([]);
    expect(again.state.nodes).toEqual(first.state.nodes);
  });
});
